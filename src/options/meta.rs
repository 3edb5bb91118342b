//! The option meta: for each option its name, words for people, type, range and default. It is the
//! one source of truth: the validator ([`OptionKind::check`]), the defaults, the list of known names,
//! `formats()` for UIs and the CLI, the generated typings and the README's tables all read it.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::value::OptionValue;
use crate::error::{Error, Result};

/// One option: enough for a UI to build a control, for typings to name it, and for the validator to
/// check it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct OptionMeta {
    /// The field name in the options object.
    pub name: &'static str,
    pub label: &'static str,
    pub kind: OptionKind,
    /// One sentence for a tooltip or a doc comment.
    pub description: &'static str,
}

/// The type, range and default of an option.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum OptionKind {
    /// A whole number in `min..=max`.
    Integer {
        min: u64,
        max: u64,
        default: u64,
    },
    /// Any number in `min..=max`, fractions included.
    Number {
        min: f64,
        max: f64,
        default: f64,
    },
    /// One of a few named values.
    Choice {
        choices: &'static [Choice],
        default: &'static str,
    },
    Boolean {
        default: bool,
    },
    /// A `#rrggbb` colour.
    Color {
        default: &'static str,
    },
    /// Any of a few named values, at least one, each once (`autoFormats`).
    List {
        choices: &'static [Choice],
        default: &'static [&'static str],
    },
}

/// One value of a [`OptionKind::Choice`] and the words a UI shows for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Choice {
    /// What callers write in the options.
    pub value: &'static str,
    /// What a person reads, e.g. "Smallest" for `max`.
    pub label: &'static str,
}

impl OptionKind {
    /// The value used when the option is left out.
    pub fn default_value(&self) -> OptionValue {
        match *self {
            OptionKind::Integer { default, .. } => OptionValue::Number(default as f64),
            OptionKind::Number { default, .. } => OptionValue::Number(default),
            OptionKind::Choice { default, .. } | OptionKind::Color { default } => default.into(),
            OptionKind::Boolean { default } => OptionValue::Bool(default),
            OptionKind::List { default, .. } => {
                OptionValue::List(default.iter().map(|&d| d.into()).collect())
            }
        }
    }

    /// `value`, written for the option `name`, checked against this kind.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] saying what `name` must be and what it got.
    pub fn check(&self, name: &str, value: &OptionValue) -> Result<OptionValue> {
        let ok = match (*self, value) {
            (OptionKind::Integer { min, max, .. }, OptionValue::Number(v)) => {
                v.fract() == 0.0 && *v >= min as f64 && *v <= max as f64
            }
            (OptionKind::Number { min, max, .. }, OptionValue::Number(v)) => {
                (min..=max).contains(v)
            }
            (OptionKind::Choice { choices, .. }, OptionValue::Text(s)) => {
                choices.iter().any(|c| c.value == s)
            }
            (OptionKind::Boolean { .. }, OptionValue::Bool(_)) => true,
            (OptionKind::Color { .. }, OptionValue::Text(s)) => parse_hex_color(s).is_some(),
            (OptionKind::List { choices, .. }, OptionValue::List(items)) => {
                !items.is_empty()
                    && items.iter().enumerate().all(|(i, item)| {
                        matches!(item, OptionValue::Text(s) if choices.iter().any(|c| c.value == s))
                            && !items[..i].contains(item)
                    })
            }
            _ => false,
        };
        if ok {
            return Ok(match value {
                // -0 is 0: a whole-number field must not see a sign.
                OptionValue::Number(v) => OptionValue::Number(v + 0.0),
                other => other.clone(),
            });
        }
        Err(Error::InvalidInput(format!(
            "{name} must be {}, got {value}",
            self.expected()
        )))
    }

    /// What a valid value is, in words: "a whole number from 1 to 100".
    pub fn expected(&self) -> String {
        match *self {
            OptionKind::Integer { min, max, .. } => format!("a whole number from {min} to {max}"),
            OptionKind::Number { min, max, .. } => format!("a number from {min} to {max}"),
            OptionKind::Choice { choices, .. } => {
                let list: Vec<String> = choices.iter().map(|c| format!("{:?}", c.value)).collect();
                format!("one of {}", list.join(", "))
            }
            OptionKind::Boolean { .. } => "true or false".into(),
            OptionKind::Color { .. } => "a colour like \"#ffffff\"".into(),
            OptionKind::List { choices, .. } => {
                let list: Vec<String> = choices.iter().map(|c| format!("{:?}", c.value)).collect();
                format!("a list of one or more of {}, each once", list.join(", "))
            }
        }
    }

    /// The name of the kind in `formats()` and the typings.
    pub fn type_name(&self) -> &'static str {
        match self {
            OptionKind::Integer { .. } => "integer",
            OptionKind::Number { .. } => "number",
            OptionKind::Choice { .. } => "choice",
            OptionKind::Boolean { .. } => "boolean",
            OptionKind::Color { .. } => "color",
            OptionKind::List { .. } => "list",
        }
    }
}

/// `#rrggbb` as `[r, g, b]`; `None` for anything else.
pub(crate) fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    // Hex digits only: `from_str_radix` alone would also take a sign, so "#+1+2+3" passed.
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut rgb = [0u8; 3];
    for (i, c) in rgb.iter_mut().enumerate() {
        *c = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(rgb)
}

/// `{ name, label, description, type, min?, max?, choices?: [{ value, label }], default }`, the shape
/// `formats()` gives UIs.
impl Serialize for OptionMeta {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", self.name)?;
        m.serialize_entry("label", self.label)?;
        m.serialize_entry("description", self.description)?;
        m.serialize_entry("type", self.kind.type_name())?;
        match self.kind {
            OptionKind::Integer { min, max, default } => {
                m.serialize_entry("min", &min)?;
                m.serialize_entry("max", &max)?;
                m.serialize_entry("default", &default)?;
            }
            OptionKind::Number { min, max, default } => {
                m.serialize_entry("min", &min)?;
                m.serialize_entry("max", &max)?;
                m.serialize_entry("default", &default)?;
            }
            OptionKind::Choice { choices, default } => {
                m.serialize_entry("choices", choices)?;
                m.serialize_entry("default", default)?;
            }
            OptionKind::Boolean { default } => m.serialize_entry("default", &default)?,
            OptionKind::Color { default } => m.serialize_entry("default", default)?,
            OptionKind::List { choices, default } => {
                m.serialize_entry("choices", choices)?;
                m.serialize_entry("default", default)?;
            }
        }
        m.end()
    }
}
