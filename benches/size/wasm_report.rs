//! Where a WASM bundle's bytes go: twiggy's per-item sizes grouped by crate,
//! by pocketcode module and by function, before and after side by side.
//!
//! On rustc's output (before wasm-bindgen and wasm-opt): the shipped file
//! has lost its function names. Custom sections (names, producers) are left
//! out: wasm-opt drops them, so the shares are of code and data only.
//!
//! The WASM is built with v0 symbol names (`.cargo/config.toml`), which
//! keep a generic's arguments: `Owner::with::<pocketcode::app::chat::…>`.
//! So [`print_main`] can count each instance of reactive_graph's and
//! tachys' generics for the pocketcode item it was made for, in the split's
//! main module (what the chat page loads first). Crate disambiguators
//! (`core[c593…]`) and generic arguments are dropped for the other tables,
//! which then group as they did with the legacy names.

use std::collections::HashMap;
use std::path::Path;

const TOP: usize = 10;
/// The main module's table: past the library code for no pocketcode item.
const TOP_MAIN: usize = 25;

/// Sizes in bytes by group name.
type Sizes = HashMap<String, u64>;

struct Breakdown {
    total: u64,
    crates: Sizes,
    modules: Sizes,
    functions: Sizes,
}

/// Every item of `wasm` with its shallow size, from `twiggy top --format json`.
fn items(twiggy: &str, wasm: &Path) -> Result<Vec<(String, u64)>, String> {
    let output = std::process::Command::new(twiggy)
        .args(["top", "--format", "json", "-n", "100000000"])
        .arg(wasm)
        .output()
        .map_err(|e| format!("{twiggy}: {e} (`make bench-size` installs it)"))?;
    if !output.status.success() {
        return Err(format!(
            "twiggy top {}: {}",
            wasm.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let all: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("twiggy's JSON for {}: {e}", wasm.display()))?;
    Ok(all
        .iter()
        .filter_map(|item| {
            Some((
                item["name"].as_str()?.to_owned(),
                item["shallow_size"].as_u64()?,
            ))
        })
        // The name section's parts: `"function names" subsection`.
        .filter(|(name, _)| !name.starts_with("custom section") && !name.ends_with(" subsection"))
        .collect())
}

/// A demangled path without its trailing `::h<hash>`, so one function keeps
/// its name across builds.
fn without_hash(name: &str) -> &str {
    match name.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            head
        }
        _ => name,
    }
}

/// A v0 name without its crates' disambiguators: `core[c5930c85a12de822]::fmt`
/// → `core::fmt`.
fn without_disambiguators(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if close > 0 && after[..close].chars().all(|c| c.is_ascii_hexdigit()) => {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A v0 name without its generic arguments (`::<…>`), so a generic's
/// instances add up under one name, as legacy names did.
fn without_generics(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    let mut rest = name;
    while !rest.is_empty() {
        if depth == 0 && rest.starts_with("::<") {
            depth = 1;
            rest = &rest[3..];
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        rest = &rest[c.len_utf8()..];
        match (depth, c) {
            (0, _) => out.push(c),
            (_, '<') => depth += 1,
            (_, '>') => depth -= 1,
            _ => {}
        }
    }
    out
}

/// The pocketcode module an item is for: the first `pocketcode::` path its
/// name mentions (its own, or a generic argument's: a closure, a component,
/// a type read), to three modules deep.
fn made_for(name: &str) -> Option<String> {
    let at = name.find("pocketcode::")?;
    let mut modules: Vec<&str> = Vec::new();
    for segment in name[at + "pocketcode::".len()..].split("::").take(3) {
        let word = segment
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        // A module is lower case; a type, a `{closure#0}` or a macro's
        // `_`/`__component_…` ends the path.
        if !word.starts_with(|c: char| c.is_ascii_lowercase()) {
            break;
        }
        modules.push(word);
        if word.len() < segment.len() {
            break;
        }
    }
    (!modules.is_empty()).then(|| modules.join("::"))
}

/// The path a name starts with: `<a::B as c::D>::f` and `&a::b` → `a::B…`;
/// `<T as c::D>::f` (a generic or primitive type) → `c::D…`.
fn leading_path(name: &str) -> &str {
    let path = name
        .trim_start_matches(['<', '&', '*', '('])
        .trim_start_matches("mut ")
        .trim_start_matches("const ")
        .trim_start_matches("dyn ");
    match path.split_once(" as ") {
        Some((own, trait_path)) if !own.contains("::") => leading_path(trait_path),
        _ => path,
    }
}

/// `(crate, module)`: the first path segment, and for pocketcode's own
/// code its first two modules; items with no path (data segments, tables,
/// imports) are grouped by what they are.
fn groups(name: &str) -> (String, Option<String>) {
    let path = leading_path(name);
    let segments: Vec<&str> = path
        .split("::")
        .map(|s| s.split(['<', ' ', '{', '(', '>']).next().unwrap_or(""))
        .collect();
    if segments.len() < 2 || segments[0].is_empty() {
        let what = name.split(['[', ' ']).next().unwrap_or(name);
        return (format!("({what})"), None);
    }
    let module =
        (segments[0] == "pocketcode").then(|| segments[..segments.len().min(3)].join("::"));
    (segments[0].to_owned(), module)
}

fn breakdown(items: &[(String, u64)]) -> Breakdown {
    let mut out = Breakdown {
        total: 0,
        crates: Sizes::new(),
        modules: Sizes::new(),
        functions: Sizes::new(),
    };
    for (name, size) in items {
        let name = without_generics(&without_disambiguators(name));
        out.total += size;
        let (krate, module) = groups(&name);
        *out.crates.entry(krate).or_default() += size;
        if let Some(module) = module {
            *out.modules.entry(module).or_default() += size;
        }
        *out.functions
            .entry(without_hash(&name).to_owned())
            .or_default() += size;
    }
    out
}

fn top(sizes: &Sizes, n: usize) -> Vec<(&String, u64)> {
    let mut all: Vec<(&String, u64)> = sizes.iter().map(|(k, v)| (k, *v)).collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    all.truncate(n);
    all
}

fn cell(size: u64, total: u64) -> String {
    format!(
        "{:>9.1} KiB {:>5.1} %",
        size as f64 / 1024.0,
        size as f64 * 100.0 / total.max(1) as f64
    )
}

/// The after build's top `n` of one grouping, each with its before size.
fn print_table(
    (title, n): (&str, usize),
    pick: fn(&Breakdown) -> &Sizes,
    before: &Breakdown,
    after: &Breakdown,
) {
    println!("\n{title}, top {n} of the after build");
    println!("{:>19} {:>19}  name", "before", "after");
    for (name, size) in top(pick(after), n) {
        let was = pick(before).get(name).copied().unwrap_or(0);
        let mut shown: String = name.chars().take(110).collect();
        if shown.len() < name.len() {
            shown.push('…');
        }
        println!(
            "{} {}  {shown}",
            cell(was, before.total),
            cell(size, after.total)
        );
    }
    let gone: Vec<String> = top(pick(before), n)
        .into_iter()
        .filter(|(name, _)| !pick(after).contains_key(*name))
        .map(|(name, size)| format!("{name} ({:.1} KiB)", size as f64 / 1024.0))
        .collect();
    if !gone.is_empty() {
        println!(
            "  in the before build's top {n}, gone after: {}",
            gone.join(", ")
        );
    }
}

/// Prints the three tables for `before` and `after` (label, rustc's WASM).
pub fn print(twiggy: &str, before: (&str, &Path), after: (&str, &Path)) -> Result<(), String> {
    let b = breakdown(&items(twiggy, before.1)?);
    let a = breakdown(&items(twiggy, after.1)?);
    println!(
        "\nWASM before wasm-bindgen and wasm-opt (code and data): {:.1} KiB before ({}), {:.1} KiB after ({})",
        b.total as f64 / 1024.0,
        before.0,
        a.total as f64 / 1024.0,
        after.0
    );
    print_table(("by crate", TOP), |x| &x.crates, &b, &a);
    print_table(("by pocketcode module", TOP), |x| &x.modules, &b, &a);
    print_table(("by function", TOP), |x| &x.functions, &b, &a);
    Ok(())
}

/// The main module's items by the pocketcode module each is for
/// ([`made_for`]); `None` when its names are legacy ones (no generic
/// arguments to tell by).
fn by_purpose(items: &[(String, u64)]) -> Option<Breakdown> {
    // Legacy names end in `::h<hash>` and name no generic arguments.
    if items
        .iter()
        .any(|(name, _)| without_hash(name).len() < name.len())
    {
        return None;
    }
    let mut out = Breakdown {
        total: 0,
        crates: Sizes::new(),
        modules: Sizes::new(),
        functions: Sizes::new(),
    };
    // wasm-bindgen's descriptions run at build time only: not shipped.
    for (name, size) in items
        .iter()
        .filter(|(name, _)| !name.contains("__wbindgen_describe"))
    {
        let name = without_disambiguators(name);
        out.total += size;
        let purpose = made_for(&name).unwrap_or_else(|| {
            let (krate, _) = groups(&without_generics(&name));
            format!("{krate} (for no pocketcode item)")
        });
        *out.modules.entry(purpose).or_default() += size;
    }
    Some(out)
}

/// The split's main module (rustc's, before wasm-bindgen and wasm-opt: the
/// code the chat page loads first), by what each item is for, before and
/// after; a build without the module or without v0 names is said so.
pub fn print_main(
    twiggy: &str,
    before: (&str, Option<&Path>),
    after: (&str, Option<&Path>),
) -> Result<(), String> {
    let weigh = |wasm: Option<&Path>| -> Result<Option<Breakdown>, String> {
        match wasm {
            Some(wasm) => Ok(by_purpose(&items(twiggy, wasm)?)),
            None => Ok(None),
        }
    };
    let (b, a) = (weigh(before.1)?, weigh(after.1)?);
    let Some(a) = a else {
        println!(
            "\n({}: no split main module with v0 names: no report by purpose)",
            after.0
        );
        return Ok(());
    };
    let empty = Breakdown {
        total: 0,
        crates: Sizes::new(),
        modules: Sizes::new(),
        functions: Sizes::new(),
    };
    println!(
        "\nThe chat page's WASM (the split's main module, before wasm-bindgen and wasm-opt): {} after ({})",
        match &b {
            Some(b) => format!(
                "{:.1} KiB before ({}), {:.1} KiB",
                b.total as f64 / 1024.0,
                before.0,
                a.total as f64 / 1024.0
            ),
            None => format!(
                "{:.1} KiB (before: {}, no v0 names)",
                a.total as f64 / 1024.0,
                before.0
            ),
        },
        after.0
    );
    print_table(
        (
            "by the pocketcode module an item is for (a generic's instance counted for the closure, component or type it was made for)",
            TOP_MAIN,
        ),
        |x| &x.modules,
        b.as_ref().unwrap_or(&empty),
        &a,
    );
    Ok(())
}
