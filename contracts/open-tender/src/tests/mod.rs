//! Native unit tests against the SDK's mock host, split by topic.
extern crate std;
