//! pocketcode's own machine endpoints under `/admin/*`.

mod health;

pub use health::{Health, health};
