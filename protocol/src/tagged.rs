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

/// Declares the table of requests (see `descriptor.rs`, its one invocation): one row per
/// request, `opcode => Struct`, then `-> ReplyVariant(ReplyStruct)` for a request with a
/// reply, `[Flag, ...]` for its [`crate::descriptor::Flag`]s and `since N` for one added
/// by minor version N (else 0). From the rows it generates
/// the `Request` and `Reply` enums (through [`tagged!`]), each request struct's
/// `RequestInfo` impl, inherent `OPCODE` and `From` into `Request`, each reply struct's
/// `ReplyType` impl, `Request::has_reply` and the `REQUESTS` table.
macro_rules! requests {
    (
        $(#[$request_meta:meta])*
        pub enum Request;
        $(#[$reply_meta:meta])*
        pub enum Reply;
        $(#[$table_meta:meta])*
        pub const REQUESTS;
        $(
            $code:literal => $var:ident
            $( -> $reply_var:ident($reply_ty:ty) )?
            $( [$($flag:ident),*] )?
            $( since $minor:literal )?,
        )*
    ) => {
        tagged! {
            $(#[$request_meta])*
            pub enum Request ("request") {
                $( $code => $var($var), )*
            }
        }

        tagged! {
            $(#[$reply_meta])*
            pub enum Reply ("reply") {
                $( $( $code => $reply_var($reply_ty), )? )*
            }
        }

        $(
            impl RequestInfo for $var {
                const DESCRIPTOR: Descriptor = Descriptor {
                    opcode: $code,
                    name: stringify!($var),
                    reply: requests!(@reply_name $($reply_var)?),
                    since_minor: requests!(@since $($minor)?),
                    deferrable: Flag::Deferrable.is_in(&[$($(Flag::$flag),*)?]),
                    fast_decode: Flag::FastDecode.is_in(&[$($(Flag::$flag),*)?]),
                    fast_encode: Flag::FastEncode.is_in(&[$($(Flag::$flag),*)?]),
                };
                type Reply = requests!(@reply_type $($reply_ty)?);
            }

            impl $var {
                /// Its opcode: [`RequestInfo::OPCODE`], here too so that it needs no import
                /// and serves as a `match` pattern.
                pub const OPCODE: u8 = $code;
            }

            impl From<$var> for Request {
                fn from(r: $var) -> Request {
                    Request::$var(r)
                }
            }

            $(
                impl ReplyType for $reply_ty {
                    fn from_reply(reply: Reply) -> Result<$reply_ty, Reply> {
                        match reply {
                            Reply::$reply_var(r) => Ok(r),
                            other => Err(other),
                        }
                    }
                }
            )?
        )*

        impl Request {
            /// Whether the server answers this request with a reply (else only errors can
            /// come back).
            pub fn has_reply(&self) -> bool {
                match self { $( Request::$var(_) => <$var as RequestInfo>::DESCRIPTOR.has_reply(), )* }
            }

            /// This request's row of [`REQUESTS`].
            pub fn descriptor(&self) -> &'static Descriptor {
                match self { $( Request::$var(_) => &<$var as RequestInfo>::DESCRIPTOR, )* }
            }
        }

        $(#[$table_meta])*
        pub const REQUESTS: &[Descriptor] = &[ $( <$var as RequestInfo>::DESCRIPTOR, )* ];
    };
    (@reply_name) => { None };
    (@reply_name $reply_var:ident) => { Some(stringify!($reply_var)) };
    (@reply_type) => { NoReply };
    (@reply_type $reply_ty:ty) => { $reply_ty };
    (@since) => { 0 };
    (@since $minor:literal) => { $minor };
}
