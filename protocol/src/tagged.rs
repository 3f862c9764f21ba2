//! The `tagged!` macro: an enum whose wire form is the two-element array `[code, body]`.
//!
//! Requests, replies, events and the setup response all use it, so the encode and decode
//! of one enum live in one place and an unknown code is a clean decode error.

/// Declares an enum of one-struct variants, each with a numeric wire code, and implements
/// `Serialize`/`Deserialize` as `[code, body]`, `code()`, `name()`, and `is_known_code()`.
macro_rules! tagged {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $code:literal => $var:ident($ty:ty), )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("Code ", stringify!($code), ": [`", stringify!($ty), "`].")] $var($ty), )*
        }

        impl $name {
            /// The numeric code that tags this variant on the wire.
            pub fn code(&self) -> u8 {
                match self { $( $name::$var(_) => $code, )* }
            }
            /// The variant's name, for logs and error messages.
            pub fn name(&self) -> &'static str {
                match self { $( $name::$var(_) => stringify!($var), )* }
            }
            /// The name for a wire code, if the code is known.
            pub fn name_of(code: u8) -> Option<&'static str> {
                match code { $( $code => Some(stringify!($var)), )* _ => None }
            }
            /// Whether `code` tags some variant of this enum.
            pub fn is_known_code(code: u8) -> bool {
                Self::name_of(code).is_some()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeTuple;
                let mut t = s.serialize_tuple(2)?;
                match self {
                    $( $name::$var(v) => {
                        t.serialize_element(&($code as u8))?;
                        t.serialize_element(v)?;
                    } )*
                }
                t.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        write!(f, "a {} as [code, body]", $what)
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<$name, A::Error> {
                        use serde::de::Error;
                        let code: u8 = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(0, &self))?;
                        let v = match code {
                            $( $code => $name::$var(seq.next_element()?.ok_or_else(|| A::Error::invalid_length(1, &self))?), )*
                            other => return Err(A::Error::custom(format_args!("unknown {} code {}", $what, other))),
                        };
                        Ok(v)
                    }
                }
                d.deserialize_seq(V)
            }
        }
    };
}
