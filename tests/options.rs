//! The option meta is the validator: every option of every format is accepted over exactly the range,
//! type and choices its meta states, defaults to what its meta says, and is reported back as given.
//! The typings and the page read the same meta (tests/node/types.test.mjs checks them against the
//! built wasm's real values).

use pixsqueeze::{
    all_options, Format, Limits, OptionKind, OptionMeta, OptionValue, Options, Settings,
    LIMIT_OPTIONS,
};
use serde_json::{json, Value};

/// The meta that rules `name` for `format`: the format's own (or common) declaration, else the
/// first format's that declares it.
fn rule(format: Format, name: &str) -> &'static OptionMeta {
    format
        .meta()
        .option(name)
        .or_else(|| all_options().into_iter().find(|o| o.name == name))
        .unwrap_or_else(|| panic!("no meta for {name}"))
}

fn report(settings: &Settings) -> serde_json::Map<String, Value> {
    match serde_json::to_value(settings).expect("settings serialise") {
        Value::Object(m) => m,
        other => panic!("settings serialise to {other}"),
    }
}

fn default_json(kind: &OptionKind) -> Value {
    match *kind {
        OptionKind::Integer { default, .. } => json!(default),
        OptionKind::Number { default, .. } => json!(default),
        OptionKind::Choice { default, .. } | OptionKind::Color { default } => json!(default),
        OptionKind::Boolean { default } => json!(default),
        OptionKind::List { default, .. } => json!(default),
        other => panic!("a kind this test does not know: {other:?}"),
    }
}

fn as_json(value: &OptionValue) -> Value {
    match value {
        OptionValue::Number(v) => json!(v + 0.0),
        OptionValue::Bool(b) => json!(b),
        OptionValue::Text(s) => json!(s),
        OptionValue::List(items) => Value::Array(items.iter().map(as_json).collect()),
        other => panic!("not a plain value: {other:?}"),
    }
}

/// Numbers compare by value (the report writes whole numbers as integers), colours in any case.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) if x.starts_with('#') => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

/// Values the meta accepts, and values it must refuse, for one option.
fn samples(kind: &OptionKind) -> (Vec<OptionValue>, Vec<OptionValue>) {
    use OptionValue::{Bool, Number, Text};
    match *kind {
        OptionKind::Integer { min, max, default } => {
            let (lo, hi) = (min as f64, max as f64);
            let mut bad = vec![Number(hi + 1.0), Text(default.to_string()), Bool(true)];
            if min > 0 {
                bad.push(Number(lo - 1.0));
            }
            if max > min {
                bad.push(Number(lo + 0.5));
            }
            bad.extend([Number(f64::NAN), Number(f64::INFINITY)]);
            (vec![Number(lo), Number(hi), Number(default as f64)], bad)
        }
        OptionKind::Number { min, max, default } => (
            vec![
                Number(min),
                Number(max),
                Number(default),
                Number(min + (max - min) / 3.0),
            ],
            vec![
                Number(min - 0.5),
                Number(max + 0.5),
                Number(f64::NAN),
                Number(f64::INFINITY),
                Text(default.to_string()),
            ],
        ),
        OptionKind::Choice { choices, .. } => (
            choices.iter().map(|c| Text(c.value.into())).collect(),
            vec![Text("none of these".into()), Number(1.0), Bool(false)],
        ),
        OptionKind::Boolean { .. } => (
            vec![Bool(true), Bool(false)],
            vec![Number(1.0), Text("true".into())],
        ),
        OptionKind::Color { default } => (
            vec![Text(default.into()), Text("#0a0B0c".into())],
            vec![
                Text("white".into()),
                Text("#+1+2+3".into()),
                Text("#abcde".into()),
                Number(0.0),
            ],
        ),
        OptionKind::List { choices, default } => {
            let list =
                |items: &[&str]| OptionValue::List(items.iter().map(|&i| i.into()).collect());
            let first = choices[0].value;
            let mut good = vec![list(default)];
            good.extend(choices.iter().map(|c| list(&[c.value])));
            (
                good,
                vec![
                    list(&[]),
                    list(&["none of these"]),
                    list(&[first, first]),
                    Text(first.into()),
                    Number(1.0),
                ],
            )
        }
        other => panic!("a kind this test does not know: {other:?}"),
    }
}

#[test]
fn every_format_resolves_to_its_meta_defaults() {
    let names: Vec<&str> = all_options().iter().map(|o| o.name).collect();
    for format in Format::ALL {
        let settings = Options::new(format)
            .resolve()
            .unwrap_or_else(|e| panic!("{format:?}: {e}"));
        let report = report(&settings);
        let mut keys: Vec<&str> = report.keys().map(String::as_str).collect();
        let mut expected: Vec<&str> = names.iter().copied().chain(["format"]).collect();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected, "{format:?}: the report lists every option");
        assert_eq!(report["format"], json!(format.meta().id));
        for name in &names {
            let want = default_json(&rule(format, name).kind);
            assert!(
                same(&report[*name], &want),
                "{format:?}.{name}: {} is not the meta's default {want}",
                report[*name]
            );
        }
        assert_eq!(settings.limits, Limits::default());
    }
}

#[test]
fn every_option_takes_exactly_what_its_meta_states() {
    for format in Format::ALL {
        for name in all_options().iter().map(|o| o.name) {
            let meta = rule(format, name);
            let (good, bad) = samples(&meta.kind);
            for value in good {
                let settings = Options::new(format)
                    .with(name, value.clone())
                    .resolve()
                    .unwrap_or_else(|e| panic!("{format:?}.{name} = {value}: {e}"));
                let got = &report(&settings)[name];
                assert!(
                    same(got, &as_json(&value)),
                    "{format:?}.{name} = {value} is reported as {got}"
                );
            }
            for value in bad {
                let e = Options::new(format)
                    .with(name, value.clone())
                    .resolve()
                    .expect_err(&format!("{format:?}.{name} = {value} must be refused"));
                assert_eq!(e.name(), "InvalidInput");
                assert!(
                    e.message().contains(name) && e.message().contains(&meta.kind.expected()),
                    "{format:?}.{name} = {value}: {e}"
                );
            }
        }
    }
}

#[test]
fn resolved_options_are_valid_options_that_resolve_the_same() {
    for format in Format::ALL {
        let settings = Options::new(format)
            .with("quality", 33)
            .with("maxWidth", 640)
            .with("minScore", 71.5)
            .resolve()
            .expect("resolves");
        let echoed: Options =
            serde_json::from_value(serde_json::to_value(&settings).unwrap()).expect("parses");
        assert_eq!(echoed.resolve().expect("resolves"), settings, "{format:?}");
    }
}

#[test]
fn an_option_means_the_same_in_every_format_that_reads_it() {
    for name in all_options().iter().map(|o| o.name) {
        let kinds: Vec<&OptionKind> = Format::ALL
            .iter()
            .filter_map(|f| f.meta().option(name))
            .map(|o| &o.kind)
            .collect();
        for k in &kinds {
            assert_eq!(k.type_name(), kinds[0].type_name(), "{name}");
            if let (OptionKind::Choice { choices: a, .. }, OptionKind::Choice { choices: b, .. }) =
                (k, kinds[0])
            {
                assert_eq!(a, b, "{name}: the same choices everywhere");
            }
        }
    }
}

#[test]
fn the_meta_is_self_consistent() {
    let every = all_options()
        .into_iter()
        .chain(LIMIT_OPTIONS)
        .chain(Format::ALL.iter().flat_map(|f| f.meta().options));
    for o in every {
        assert!(!o.label.is_empty() && o.description.ends_with('.'), "{o:?}");
        match o.kind {
            OptionKind::Integer { min, max, default } => {
                assert!(min <= default && default <= max, "{}", o.name);
                // Every value a JS number holds exactly.
                assert!(max < 1 << 53, "{}", o.name);
            }
            OptionKind::Number { min, max, default } => {
                assert!(min <= default && default <= max, "{}", o.name)
            }
            OptionKind::Choice { choices, default } => {
                assert!(choices.iter().any(|c| c.value == default), "{}", o.name);
                assert!(choices.iter().all(|c| !c.label.is_empty()), "{}", o.name);
            }
            OptionKind::Boolean { .. } => {}
            OptionKind::Color { default } => {
                let checked = o.kind.check(o.name, &default.into());
                assert!(checked.is_ok(), "{}", o.name);
            }
            OptionKind::List { choices, default } => {
                assert!(!default.is_empty(), "{}", o.name);
                assert!(
                    default
                        .iter()
                        .all(|d| choices.iter().any(|c| c.value == *d)),
                    "{}",
                    o.name
                );
                assert!(choices.iter().all(|c| !c.label.is_empty()), "{}", o.name);
            }
            other => panic!("{}: a kind this test does not know: {other:?}", o.name),
        }
    }
}

#[test]
fn limits_take_exactly_what_their_meta_states() {
    let defaults = Options::new(Format::Png).resolve().unwrap().limits;
    let field = |l: &Limits, name: &str| match name {
        "maxWidth" => u64::from(l.max_width),
        "maxHeight" => u64::from(l.max_height),
        "maxPixels" => l.max_pixels,
        "maxInputBytes" => l.max_input_bytes,
        // Above what the build addresses it is lowered to that (on wasm32; natively it is not).
        "maxMemoryBytes" => l.max_memory_bytes,
        other => panic!("a limit the test does not know: {other}"),
    };
    for meta in LIMIT_OPTIONS {
        let OptionKind::Integer { min, max, default } = meta.kind else {
            panic!("{}: limits are whole numbers", meta.name);
        };
        assert_eq!(field(&defaults, meta.name), default, "{}", meta.name);
        for v in [min, max] {
            let limits = Options::new(Format::Png)
                .with_limit(meta.name, v)
                .resolve()
                .unwrap_or_else(|e| panic!("{} = {v}: {e}", meta.name))
                .limits;
            assert_eq!(field(&limits, meta.name), v);
        }
        for v in [min as f64 - 1.0, max as f64 + 1.0, min as f64 + 0.5] {
            let e = Options::new(Format::Png)
                .with_limit(meta.name, v)
                .resolve()
                .expect_err(meta.name);
            assert!(
                e.message().contains(&format!("limits.{}", meta.name)),
                "{e}"
            );
        }
    }
    let e = Options::new(Format::Png)
        .with_limit("maxPixel", 5)
        .resolve()
        .unwrap_err();
    assert!(
        e.message().contains("unknown option limits.maxPixel"),
        "{e}"
    );
    let e = Options::new(Format::Png)
        .with("limits", 5)
        .resolve()
        .unwrap_err();
    assert_eq!(e.name(), "InvalidInput");
}

/// The two disagreements the issue found: the meta said widths up to 65535 and whole-number scores
/// while the validator took 4294967295 and refused nothing fractional.
#[test]
fn the_validator_follows_the_meta_not_its_own_ranges() {
    let wide = Options::new(Format::Png).with("maxWidth", 4_294_967_295u64);
    assert_eq!(wide.resolve().unwrap_err().name(), "InvalidInput");
    let OptionKind::Number { .. } = rule(Format::Jpeg, "minScore").kind else {
        panic!("minScore is a decimal number");
    };
    let settings = Options::new(Format::Jpeg)
        .with("minScore", 85.5)
        .resolve()
        .unwrap();
    assert_eq!(settings.min_score, Some(85.5));
}

#[test]
fn unknown_names_and_formats_are_refused_when_parsed() {
    for (json, says) in [
        (r#"{"format":"jpeg","qualty":80}"#, "unknown option qualty"),
        (r#"{"format":"gif"}"#, "format must be one of"),
        (r#"{"quality":80}"#, "need a format"),
        (
            r#"{"format":"png","limits":{"maxPixel":1}}"#,
            "limits.maxPixel",
        ),
    ] {
        let e = serde_json::from_str::<Options>(json).expect_err(json);
        assert!(e.to_string().contains(says), "{json}: {e}");
    }
    // Every option name is listed in the message, so the caller sees what they meant.
    let e = serde_json::from_str::<Options>(r#"{"format":"png","zzz":1}"#).unwrap_err();
    for o in all_options() {
        assert!(
            e.to_string().contains(o.name),
            "{} missing from: {e}",
            o.name
        );
    }
    // Built in code, the same names are refused by resolve.
    let e = Options::new(Format::Png).with("qualty", 80).resolve();
    assert_eq!(e.unwrap_err().name(), "InvalidInput");
    // null is "left out", as in JS.
    let o: Options = serde_json::from_str(r#"{"format":"jpeg","quality":null}"#).unwrap();
    assert_eq!(o.resolve().unwrap().quality, 75);
}
