//! The direction of dependencies between the folders of `src/` (CONVENTIONS, "Dependencies run
//! one way"): read from the `crate::…` paths of the source, comments aside. The layers below
//! the domains name no domain, a lower domain never names a higher one (a higher one extends a
//! lower one's types by implementing a part the lower one declares, as matching does with
//! `Tender.matches`), and no folder depends on itself through others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Domains, lowest first: each may use those before it, never those after it.
const DOMAINS: [&str; 6] = [
    "tenancy",
    "talent",
    "documents",
    "matching",
    "automation",
    "search",
];

/// Folders and files below every domain: they name none.
const BELOW_DOMAINS: [&str; 18] = [
    "auth",
    "embeddings",
    "extensions",
    "storage",
    "crypto",
    "db",
    "error",
    "config",
    "inputs",
    "cli",
    "events",
    "unit",
    "graphql",
    "state",
    "audit",
    "jobs",
    "metrics",
    "client_ip",
];

/// Edges that were cycles once, with why they must not come back.
const FORBIDDEN: [(&str, &str, &str); 4] = [
    ("auth", "graphql", "field guards live in graphql/guard.rs"),
    (
        "auth",
        "audit",
        "denials are audited by the guards in graphql/",
    ),
    (
        "crypto",
        "audit",
        "key rotation is audited by tenancy::keys",
    ),
    ("config", "http", "connection limits are configuration"),
];

/// Files that name none of these (each domain registers its own loaders, `graphql::LOADERS`;
/// the edge authenticates with `auth::edge`).
const FILE_RULES: [(&str, &[&str]); 5] = [
    ("graphql/context.rs", &DOMAINS),
    ("graphql/live.rs", &DOMAINS),
    ("graphql/prepare.rs", &DOMAINS),
    ("http/graphql.rs", &DOMAINS),
    ("talent/loaders.rs", &["matching"]),
];

/// The modules each file of `src/` names (`crate::x`), by path under `src/`.
type Names = BTreeMap<String, BTreeSet<String>>;

/// `module -> {modules it names}` for the crate's top-level modules, and the same per file.
fn uses() -> (Names, Names) {
    let mut graph = Names::new();
    let mut files = Names::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut pending = vec![src.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).expect("under src");
            let first = relative.components().next().expect("component");
            let module = Path::new(first.as_os_str())
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("read file");
            let file = relative.to_string_lossy().replace('\\', "/");
            let mut named = BTreeSet::new();
            for line in text.lines().map(str::trim) {
                if line.starts_with("//") {
                    continue;
                }
                let code = line.split("//").next().unwrap_or_default();
                for (at, _) in code.match_indices("crate::") {
                    let rest = &code[at + "crate::".len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != module {
                        named.insert(name);
                    }
                }
            }
            graph
                .entry(module)
                .or_default()
                .extend(named.iter().cloned());
            files.insert(file, named);
        }
    }
    (graph, files)
}

#[test]
fn dependencies_run_one_way() {
    let (graph, files) = uses();
    assert!(
        graph.contains_key("talent"),
        "the source was read: {graph:?}"
    );
    let mut wrong = Vec::new();
    for low in BELOW_DOMAINS {
        for domain in DOMAINS {
            if graph.get(low).is_some_and(|n| n.contains(domain)) {
                wrong.push(format!("{low} names the {domain} domain"));
            }
        }
    }
    for (i, low) in DOMAINS.iter().enumerate() {
        for high in &DOMAINS[i + 1..] {
            if graph.get(*low).is_some_and(|n| n.contains(*high)) {
                wrong.push(format!("{low} names {high}, which builds on it"));
            }
        }
    }
    for (from, to, why) in FORBIDDEN {
        if graph.get(from).is_some_and(|n| n.contains(to)) {
            wrong.push(format!("{from} names {to}: {why}"));
        }
    }
    for (file, forbidden) in FILE_RULES {
        let named = files.get(file).unwrap_or_else(|| panic!("{file} is read"));
        for module in forbidden {
            if named.contains(*module) {
                wrong.push(format!("{file} names {module}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The folders of `src/` that name each other, directly or not (Tarjan's strongly connected
/// components of the `crate::` graph).
fn cycles(graph: &Names) -> Vec<BTreeSet<String>> {
    struct Walk<'a> {
        graph: &'a Names,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        for next in w.graph.get(v).into_iter().flatten() {
            let next = next.as_str();
            if !w.index.contains_key(next) {
                visit(w, next);
                let low = w.low[v].min(w.low[next]);
                w.low.insert(v, low);
            } else if w.stack.contains(&next) {
                let low = w.low[v].min(w.index[next]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut component = BTreeSet::new();
            while let Some(top) = w.stack.pop() {
                component.insert(top.to_owned());
                if top == v {
                    break;
                }
            }
            if component.len() > 1 {
                w.found.push(component);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for module in graph.keys() {
        if !walk.index.contains_key(module.as_str()) {
            visit(&mut walk, module);
        }
    }
    walk.found
}

#[test]
fn no_folder_depends_on_itself_through_others() {
    let (graph, _) = uses();
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "cycles between folders of src/: {found:?}"
    );
}
