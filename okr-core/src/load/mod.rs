//! Reading documents: the text of each format into one spanned tree ([`syntax`]), the tree
//! into the model with every problem located ([`document`], [`convert`]), the typed fast
//! path for JSON ([`fast`]), the limits that guard against hostile input ([`options`]) and
//! the map from document paths back to line:column ([`source_map`]), and policies
//! ([`policy`]).

pub(crate) mod convert;
pub(crate) mod document;
pub(crate) mod fast;
pub(crate) mod options;
pub(crate) mod policy;
pub(crate) mod positions;
pub(crate) mod source_map;
pub(crate) mod syntax;
