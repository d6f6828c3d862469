//! Type-erased views without tachys' async hydration code: `.erase()` in
//! place of `.into_any()`.
//!
//! tachys' `AnyView` (0.2.19) keeps one function pointer per way a view can
//! be rendered, `hydrate_async` among them, whatever the app calls. The
//! pointer keeps the erased view's whole async hydration in the WASM: a
//! second copy of its hydration, as a future per element and per child,
//! that this app never runs (it hydrates with `hydrate_body`, in one
//! synchronous pass). [`Erase::erase`] wraps the view in [`SyncHydrate`]
//! first, whose `hydrate_async` is `RenderHtml`'s default, the synchronous
//! `hydrate` in a ready future, so the pointer keeps only code the page needs
//! anyway. Everything else (build, rebuild, server rendering, streaming,
//! attributes) is the wrapped view's own.
//!
//! Measured when it came in (brotli 11, see the README's first-load section).

use leptos::prelude::{AnyView, IntoAny};
use leptos::tachys::html::attribute::{Attribute, any_attribute::AnyAttribute};
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Position, PositionState, Render, RenderHtml};

/// A view that hydrates only synchronously, even when asked to hydrate
/// asynchronously (see the module's header).
pub struct SyncHydrate<T>(T);

impl<T: Render> Render for SyncHydrate<T> {
    type State = T::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

impl<T: RenderHtml> AddAnyAttr for SyncHydrate<T> {
    type Output<SomeNewAttr: Attribute> = SyncHydrate<T::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        SyncHydrate(self.0.add_any_attr(attr))
    }
}

impl<T: RenderHtml> RenderHtml for SyncHydrate<T> {
    type AsyncOutput = SyncHydrate<T::AsyncOutput>;
    type Owned = SyncHydrate<T::Owned>;

    const MIN_LENGTH: usize = T::MIN_LENGTH;
    const EXISTS: bool = T::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve()
    }

    async fn resolve(self) -> Self::AsyncOutput {
        SyncHydrate(self.0.resolve().await)
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        )
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        SyncHydrate(self.0.into_owned())
    }
}

/// `.erase()`: the view as an [`AnyView`] that hydrates only synchronously.
pub trait Erase {
    /// Erases the view's type, like `into_any`, without its async hydration.
    fn erase(self) -> AnyView;
}

impl<T: RenderHtml> Erase for T {
    // The one `into_any` the app calls (clippy.toml points the others here).
    #[allow(clippy::disallowed_methods)]
    fn erase(self) -> AnyView {
        SyncHydrate(self).into_any()
    }
}
