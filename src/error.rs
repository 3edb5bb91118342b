//! One error type with a few stable categories. The category names are a public contract: the wasm
//! layer turns each into a JS `Error` whose `name` is [`Error::name`].

use std::fmt;

/// Everything that can go wrong, by category, each with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input bytes are not a readable image (corrupt, truncated, not an image at all).
    Decode(String),
    /// The encoder refused or failed on pixels that passed validation.
    Encode(String),
    /// The caller passed something malformed: options, buffer sizes, dimensions.
    InvalidInput(String),
    /// The input is larger than the configured [`Limits`](crate::Limits) allow.
    LimitExceeded(String),
    /// A valid request for something pixsqueeze does not do (yet).
    Unsupported(String),
    /// A valid request that this build cannot serve but a larger one can: the wasm modules form a
    /// ladder (`core` ⊂ `full` ⊂ …, `wasm-pack.toml`), and `module` names the build that serves the
    /// call (the core module lacks WebP, GIF, BMP and ICC colour conversion: "full"). Raised before any
    /// heavy work; the JS package catches it and runs the same call on that module, so its users never
    /// see it.
    NeedsFullModule {
        /// The `name` of the `[[build]]` in `wasm-pack.toml` that can serve the call.
        module: &'static str,
        message: String,
    },
}

impl Error {
    /// The stable name of the category, as JS sees it in `error.name`.
    pub fn name(&self) -> &'static str {
        match self {
            Error::Decode(_) => "DecodeError",
            Error::Encode(_) => "EncodeError",
            Error::InvalidInput(_) => "InvalidInput",
            Error::LimitExceeded(_) => "LimitExceeded",
            Error::Unsupported(_) => "Unsupported",
            Error::NeedsFullModule { .. } => "NeedsFullModule",
        }
    }

    /// The human-readable message, without the category name.
    pub fn message(&self) -> &str {
        match self {
            Error::Decode(m)
            | Error::Encode(m)
            | Error::InvalidInput(m)
            | Error::LimitExceeded(m)
            | Error::Unsupported(m)
            | Error::NeedsFullModule { message: m, .. } => m,
        }
    }

    /// For [`Error::NeedsFullModule`], the build that can serve the call.
    pub fn module(&self) -> Option<&'static str> {
        match self {
            Error::NeedsFullModule { module, .. } => Some(module),
            _ => None,
        }
    }

    /// [`Error::NeedsFullModule`] for `what` (e.g. "WebP output"), served by the `full` build.
    pub fn needs_full(what: &str) -> Self {
        Error::needs_module("full", what)
    }

    /// [`Error::NeedsFullModule`] for `what`, served by the build named `module` in `wasm-pack.toml`.
    pub fn needs_module(module: &'static str, what: &str) -> Self {
        Error::NeedsFullModule {
            module,
            message: format!(
                "{what} needs pixsqueeze's \"{module}\" wasm build, which this build is not"
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name(), self.message())
    }
}

impl std::error::Error for Error {}

#[cfg(feature = "full")]
impl From<image::ImageError> for Error {
    fn from(e: image::ImageError) -> Self {
        use image::ImageError as E;
        match e {
            E::Limits(l) => Error::LimitExceeded(format!("image exceeds a decoding limit: {l}")),
            E::Unsupported(u) => Error::Unsupported(format!("unsupported image: {u}")),
            E::Parameter(p) => Error::InvalidInput(p.to_string()),
            E::Encoding(enc) => Error::Encode(enc.to_string()),
            E::Decoding(d) => Error::Decode(format!("the image is damaged or not valid: {d}")),
            E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                Error::Decode("the image file is truncated (it ends before its data does)".into())
            }
            E::IoError(io) => Error::Decode(format!("could not read the image: {io}")),
        }
    }
}

/// Short for `std::result::Result<T, pixsqueeze::Error>`.
pub type Result<T> = std::result::Result<T, Error>;
