//! The login and logout pages. They are plain server-rendered forms (no
//! script at all), so they work before the app's WASM is allowed to load and
//! in browsers without JavaScript; password managers see a real form.

mod document;
mod login_page;
mod logout_page;

pub use document::render_document;
pub use login_page::{LoginNotice, LoginPage};
pub use logout_page::LogoutPage;
