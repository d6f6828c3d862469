//! The pages other than a chat, each its own WASM chunk (see `app::lazy`):
//! a phone opening a chat never downloads the code of Repos, Resources,
//! Connections, Search or the home page. The router fetches a page's chunk
//! when it is entered (the page hydrates once it has come, so the whole
//! app hydrates asynchronously: `leptos::mount::hydrate_lazy`), and the
//! chat page fetches them all once it is idle, so moving there later is
//! instant. A chunk that cannot come (offline, or a server updated since
//! the page loaded) shows a line saying so with a link that loads the page
//! afresh.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use super::home::HomePage;
use super::lazy::Loaded;
use super::remotes::RemotesPage;
use super::repos::ReposPage;
use super::resources::ResourcesPage;
use super::search::SearchPage;

/// Defines a page's chunk: `$name` (returns the page), `$preload` (fetches
/// the chunk only), in the chunk `$chunk`.
macro_rules! page_chunk {
    ($chunk:ident, $preload:ident, fn $name:ident() $body:block) => {
        #[leptos::wasm_split::wasm_split(
            $chunk,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            preload($preload)
        )]
        fn $name() -> Loaded $body
    };
}

page_chunk!(
    page_home,
    preload_home,
    fn home() {
        Ok(view! { <HomePage /> }.into_any())
    }
);

page_chunk!(
    page_repos,
    preload_repos,
    fn repos() {
        Ok(view! { <ReposPage /> }.into_any())
    }
);

page_chunk!(
    page_resources,
    preload_resources,
    fn resources() {
        Ok(view! { <ResourcesPage /> }.into_any())
    }
);

page_chunk!(
    page_connections,
    preload_connections,
    fn connections() {
        Ok(view! { <RemotesPage /> }.into_any())
    }
);

page_chunk!(
    page_search,
    preload_search,
    fn search() {
        Ok(view! { <SearchPage /> }.into_any())
    }
);

/// The line shown in place of a page whose chunk did not come.
fn failed(_: super::lazy::ChunkError) -> AnyView {
    view! {
        <p role="alert" class="p-3 text-red-400">
            "Could not load this page: check the connection, then reload it. "
            // A full load: the server sends the page and its current chunks.
            <a href="" rel="external" class="underline">
                "Reload"
            </a>
        </p>
    }
    .into_any()
}

/// Defines a lazy route `$route` showing `$load`'s page.
macro_rules! lazy_page {
    ($route:ident, $load:ident, $preload:ident) => {
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                $load().await.unwrap_or_else(failed)
            }

            async fn preload() {
                _ = $preload().await;
            }
        }
    };
}

lazy_page!(HomeRoute, home, preload_home);
lazy_page!(ReposRoute, repos, preload_repos);
lazy_page!(ResourcesRoute, resources, preload_resources);
lazy_page!(ConnectionsRoute, connections, preload_connections);
lazy_page!(SearchRoute, search, preload_search);

/// Fetches every page's chunk, one after another, so moving to a page
/// later is instant. A chunk that fails is fetched again when its page
/// opens.
pub async fn prefetch() {
    _ = preload_home().await;
    _ = preload_repos().await;
    _ = preload_resources().await;
    _ = preload_connections().await;
    _ = preload_search().await;
}
