//! What a contract publishes about itself besides its methods: the Borsh
//! layout of its types (`#[derive(AbiType)]`, custom section
//! `procura_types`) and which payload type each event topic carries
//! ([`events!`](crate::events), section `procura_events`). Tools such as
//! `procura audit tender` decode calls and events with these alone.

/// Implemented by `#[derive(AbiType)]`.
pub trait AbiType {
    /// `{"name": .., "struct": [[field, type], ..]}` or
    /// `{"name": .., "enum": [[variant, [[field, type], ..]], ..]}`.
    const ABI_TYPE_JSON: &'static str;
}

/// Copies a string into a byte array at compile time (for custom sections).
#[doc(hidden)]
pub const fn str_to_array<const N: usize>(s: &str) -> [u8; N] {
    let bytes = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

/// Declares event topics and the payload type each carries:
///
/// ```ignore
/// procura_sdk::events! {
///     /// A tender was opened.
///     TENDER_OPENED = "tender_opened": TenderOpened,
/// }
/// ```
///
/// Each line defines `pub const TENDER_OPENED: &str = "tender_opened"` and
/// records the topic and type in the module's `procura_events` section.
#[macro_export]
macro_rules! events {
    ($($(#[$doc:meta])* $name:ident = $topic:literal : $ty:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            pub const $name: &str = $topic;
            #[cfg(target_arch = "wasm32")]
            const _: () = {
                const LINE: &str = concat!("{\"topic\":\"", $topic, "\",\"type\":\"", stringify!($ty), "\"}\n");
                #[link_section = "procura_events"]
                #[used]
                static EVENT: [u8; LINE.len()] = $crate::abi::str_to_array::<{ LINE.len() }>(LINE);
            };
        )*
    };
}
