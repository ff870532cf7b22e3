//! Rendering scored documents for people: the indented text tree ([`tree`]), the HTML
//! cascade shared by the notebook view and the widget ([`html`]), and the self-contained
//! report page ([`report`]).

pub(crate) mod github;
pub mod html;
pub mod report;
pub(crate) mod sarif;
pub(crate) mod sparkline;
pub(crate) mod tree;
