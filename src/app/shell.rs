//! The HTML document and the top-level router.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use super::chat::ChatPage;
use super::chat_list::ChatList;
use super::events::use_live_events;
use super::later::LaterPart;
use super::routes::{ConnectionsRoute, HomeRoute, ReposRoute, ResourcesRoute, SearchRoute};
use super::sidebar::{self, SidebarOpen};
use super::start_script::{Bundle, StartScript};
use super::top_bar::TopBar;

/// The whole HTML document, rendered on the server around [`App`];
/// `bundle` is the app's JS and WASM, started once the page painted.
pub fn shell(options: LeptosOptions, bundle: Bundle) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta
                    name="viewport"
                    content="width=device-width, initial-scale=1, viewport-fit=cover, interactive-widget=resizes-content"
                />
                <meta name="theme-color" content="#000000" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // Installable: the manifest, iOS's icon and standalone mode,
                // and the script that registers the service worker.
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <meta name="mobile-web-app-capable" content="yes" />
                <meta name="apple-mobile-web-app-capable" content="yes" />
                <meta name="apple-mobile-web-app-status-bar-style" content="black" />
                <meta name="apple-mobile-web-app-title" content="pocketcode" />
                <script src="/pwa.js" defer></script>
                // The build's stylesheet; its name carries a content hash
                // in a release build (cargo-leptos `hash-files`).
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <StartScript options bundle />
                <MetaTags />
            </head>
            <body class="flex h-dvh flex-col overflow-hidden bg-black font-mono text-neutral-300">
                <App />
            </body>
        </html>
    }
}

/// The application: top bar, sidebar and the page of the route.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // One live stream per tab, for every chat the tab shows.
    let live = use_live_events();
    provide_context(live);
    provide_context(ChatList::new());
    provide_context(SidebarOpen(RwSignal::new(false)));
    let hydrated = RwSignal::new(false);
    // Runs only in the browser, after hydration: tests wait for this marker.
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Title text="pocketcode" />
        <Router>
            <TopBar />
            <div class="flex min-h-0 flex-1">
                // Its code comes once the page has hydrated (`later`).
                <LaterPart label="sidebar" load=sidebar::sidebar />
                <main
                    id="app"
                    class="flex min-h-0 min-w-0 flex-1 flex-col"
                    data-hydrated=move || hydrated.get().to_string()
                    data-live-events=move || if live.connected.get() { "open" } else { "closed" }
                >
                    <Routes fallback=|| view! { <p class="p-3">"Not found."</p> }>
                        // Every page but a chat is its own chunk (`routes`).
                        // In order: the repo picker (home with no chat, and
                        // Repos) nests lists in the page's own async part,
                        // and streamed out of order their HTML came in a
                        // shape that hydration sometimes met with a panic
                        // (the home page of a first visit, 1 full e2e run
                        // in 5), leaving the page dead.
                        <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::InOrder />
                        // In order: the transcript is in the HTML itself, so a
                        // chat reads with JavaScript off (out-of-order streaming
                        // needs a script to put it in place).
                        <Route path=path!("/chat/:owner/:name/:chat") view=ChatPage ssr=SsrMode::InOrder />
                        <Route path=path!("/remote/:connection/:chat") view=ChatPage ssr=SsrMode::InOrder />
                        <Route path=path!("/repos") view={Lazy::<ReposRoute>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("/resources") view={Lazy::<ResourcesRoute>::new()} />
                        <Route path=path!("/connections") view={Lazy::<ConnectionsRoute>::new()} />
                        // In order, so a search reads with JavaScript off too.
                        <Route path=path!("/search") view={Lazy::<SearchRoute>::new()} ssr=SsrMode::InOrder />
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
