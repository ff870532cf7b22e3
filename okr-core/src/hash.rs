//! Hash maps and sets for internal indices keyed by ids: foldhash instead of SipHash.
//!
//! Building the graph and validating hash every id of a document several times; foldhash
//! is several times faster on short strings and still seeded randomly per process, which
//! keeps crafted documents from degrading the maps.

/// A `HashMap` with foldhash.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A `HashSet` with foldhash.
pub(crate) type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
