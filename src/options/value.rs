//! [`OptionValue`]: one option as a caller wrote it, before the meta has checked it. It reads from any
//! serde front end (a JS object through serde-wasm-bindgen, JSON, the CLI's flags), and, once checked,
//! is itself a serde `Deserializer`, so [`Settings`](crate::Settings) deserialises from the checked
//! values with its own field types and no hand-written conversion per option.

use std::fmt;

use serde::de::value::{Error as ValueError, MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

/// An object's fields in the order written. A list, not a map: a handful of entries, looked up by
/// name a few times, and much less code in the wasm than a `BTreeMap`.
pub type Fields = Vec<(String, OptionValue)>;

/// The value of `name` in `fields`.
pub fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a OptionValue> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Sets `name` in `fields`, replacing an earlier value.
pub fn set_field(fields: &mut Fields, name: &str, value: OptionValue) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some((_, v)) => *v = value,
        None => fields.push((name.to_owned(), value)),
    }
}

/// An option's value as written, of whatever type the caller used.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum OptionValue {
    /// `null` or `undefined`: the same as leaving the option out.
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    /// A nested object (`limits`).
    Map(Fields),
    /// An array (`autoFormats`).
    List(Vec<OptionValue>),
    /// Anything else (bytes), named for error messages.
    Other(&'static str),
}

impl fmt::Display for OptionValue {
    /// As a person reads it in an error message: `85.5`, `"high"`, `true`, `an object`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionValue::Null => f.write_str("null"),
            OptionValue::Bool(b) => write!(f, "{b}"),
            OptionValue::Number(v) if v.is_infinite() => {
                f.write_str(if *v > 0.0 { "Infinity" } else { "-Infinity" })
            }
            OptionValue::Number(v) => write!(f, "{v}"),
            OptionValue::Text(s) => write!(f, "{s:?}"),
            OptionValue::Map(_) => f.write_str("an object"),
            OptionValue::List(items) => {
                let shown: Vec<String> = items.iter().map(ToString::to_string).collect();
                write!(f, "[{}]", shown.join(", "))
            }
            OptionValue::Other(what) => f.write_str(what),
        }
    }
}

impl From<bool> for OptionValue {
    fn from(v: bool) -> Self {
        OptionValue::Bool(v)
    }
}

impl From<f64> for OptionValue {
    fn from(v: f64) -> Self {
        OptionValue::Number(v)
    }
}

macro_rules! from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for OptionValue {
            fn from(v: $t) -> Self {
                OptionValue::Number(v as f64)
            }
        }
    )*};
}
from_number!(u8, u16, u32, u64, i32, i64, f32);

impl From<&str> for OptionValue {
    fn from(v: &str) -> Self {
        OptionValue::Text(v.to_owned())
    }
}

impl From<String> for OptionValue {
    fn from(v: String) -> Self {
        OptionValue::Text(v)
    }
}

impl<'de> de::Deserialize<'de> for OptionValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = OptionValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an option value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<OptionValue, E> {
        Ok(OptionValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<OptionValue, E> {
        Ok(OptionValue::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<OptionValue, E> {
        Ok(OptionValue::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<OptionValue, E> {
        Ok(OptionValue::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<OptionValue, E> {
        Ok(OptionValue::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<OptionValue, E> {
        Ok(OptionValue::Text(v))
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<OptionValue, E> {
        Ok(OptionValue::Other("bytes"))
    }
    fn visit_none<E>(self) -> Result<OptionValue, E> {
        Ok(OptionValue::Null)
    }
    fn visit_unit<E>(self) -> Result<OptionValue, E> {
        Ok(OptionValue::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<OptionValue, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OptionValue, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element()? {
            out.push(item);
        }
        Ok(OptionValue::List(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OptionValue, A::Error> {
        let mut out = Fields::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value()?;
            set_field(&mut out, &key, value);
        }
        Ok(OptionValue::Map(out))
    }
}

/// A serde struct (`Settings`, `Limits`) from checked fields.
pub fn deserialize_fields<'de, T: de::Deserialize<'de>>(fields: Fields) -> Result<T, ValueError> {
    T::deserialize(MapDeserializer::new(fields.into_iter()))
}

/// Checked values feed a serde struct (`Settings`, `Limits`): whole numbers go to integer fields, text
/// to enums, maps to nested structs.
impl<'de> de::Deserializer<'de> for OptionValue {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self {
            OptionValue::Null => visitor.visit_none(),
            OptionValue::Bool(b) => visitor.visit_bool(b),
            // Integer fields (u8, u32…) take only integers; float fields take integers too.
            OptionValue::Number(v) if v.fract() == 0.0 && v >= 0.0 && v <= u64::MAX as f64 => {
                visitor.visit_u64(v as u64)
            }
            OptionValue::Number(v) => visitor.visit_f64(v),
            OptionValue::Text(s) => visitor.visit_string(s),
            // Nested objects are deserialised by `deserialize_fields`, at the top: handling them here
            // would copy that code into every field type's instance of this function.
            OptionValue::Map(_) => Err(de::Error::custom("unexpected object")),
            OptionValue::List(items) => visitor.visit_seq(SeqDeserializer::new(items.into_iter())),
            OptionValue::Other(what) => Err(de::Error::custom(format!("unexpected {what}"))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self {
            OptionValue::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self {
            OptionValue::Text(s) => s
                .into_deserializer()
                .deserialize_enum(name, variants, visitor),
            other => other.deserialize_any(visitor),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, ValueError> for OptionValue {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}
