//! What a résumé's text says, as suggestions a person accepts or not: contact data, skills of
//! the organisation's catalogue (with the years of the dated experiences that mention them),
//! experiences, education, a title and the total years — each with its evidence, the line it
//! came from. Pure functions over the text, the catalogue and today's date.
//!
//! Skills are found on word boundaries, case-insensitively, in common spellings ("Golang" is
//! Go, "NodeJS" is Node.js, "k8s" is Kubernetes; "C++" and "C#" are words of their own). A
//! name that is also an ordinary word or a letter ("Go", "R", "Swift", "Rust") counts only in a
//! technical context: beside another skill or a technical word on its line, and for one or two
//! letters only when written with a capital.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chrono::{Datelike as _, NaiveDate};
use regex::Regex;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A skill of the organisation's catalogue.
#[derive(Debug, Clone)]
pub struct CatalogueSkill {
    pub id: Uuid,
    pub name: String,
}

/// A value found in the text and the line it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Found<T> {
    pub value: T,
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkillFound {
    pub skill_id: Uuid,
    pub name: String,
    /// Years of the dated experiences whose lines mention it (overlaps counted once).
    pub years: Option<f64>,
    /// The first line that mentions it.
    pub evidence: String,
}

/// A month, as `(year, month)`.
pub type Month = (i32, u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExperienceFound {
    pub title: Option<String>,
    pub employer: Option<String>,
    pub start: Month,
    /// `None`: ongoing.
    pub end: Option<Month>,
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EducationFound {
    pub text: String,
    pub year: Option<i32>,
    pub evidence: String,
}

/// Everything found in one résumé.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    pub emails: Vec<Found<String>>,
    pub phones: Vec<Found<String>>,
    pub links: Vec<Found<String>>,
    pub skills: Vec<SkillFound>,
    pub experiences: Vec<ExperienceFound>,
    pub education: Vec<EducationFound>,
    pub title: Option<Found<String>>,
    pub total_years: Option<Found<f64>>,
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b").expect("regex")
});
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\+|\b)\d[\d ().\-/]{6,}\d\b").expect("regex"));
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bhttps?://[^\s<>()]+|\b(?:www\.)?(?:linkedin\.com|github\.com|gitlab\.com)/[^\s<>()]+")
        .expect("regex")
});
const DATE: &str = r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?\s+)?(?:\d{1,2}[/.])?(?:19|20)\d{2}";
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({DATE})\s*(?:-|–|—|to|until|→)\s*({DATE}|present|current|now|today|ongoing)\b"
    ))
    .expect("regex")
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(?:19|20)\d{2}\b").expect("regex"));

/// Single-token spellings of one skill, and their canonical form.
const ALIASES: &[(&str, &str)] = &[
    ("golang", "go"),
    ("nodejs", "node.js"),
    ("k8s", "kubernetes"),
    ("postgres", "postgresql"),
    ("psql", "postgresql"),
    ("js", "javascript"),
    ("ecmascript", "javascript"),
    ("cpp", "c++"),
    ("csharp", "c#"),
    ("dotnet", ".net"),
    ("reactjs", "react"),
    ("react.js", "react"),
    ("vuejs", "vue"),
    ("vue.js", "vue"),
    ("angularjs", "angular"),
    ("py", "python"),
    ("python3", "python"),
];

/// Names that are also ordinary words.
const AMBIGUOUS_WORDS: &[&str] = &[
    "swift", "rust", "ruby", "spring", "express", "flask", "dart", "chef", "puppet", "salt",
    "julia", "elixir", "crystal", "react", "go", "r", "c", "d",
];

/// Words that make a line technical.
const TECHNICAL_WORDS: &[&str] = &[
    "programming",
    "language",
    "languages",
    "developer",
    "developers",
    "development",
    "engineer",
    "engineering",
    "stack",
    "skills",
    "technologies",
    "technology",
    "tech",
    "backend",
    "back-end",
    "frontend",
    "front-end",
    "code",
    "coding",
    "framework",
    "frameworks",
    "microservices",
    "services",
    "service",
    "api",
    "apis",
    "software",
    "tools",
    "written",
    "built",
    "library",
    "libraries",
];

const SECTION_HEADERS: &[&str] = &[
    "education",
    "formation",
    "studies",
    "academic",
    "skills",
    "competences",
    "compétences",
    "languages",
    "certifications",
    "certificates",
    "projects",
    "interests",
    "hobbies",
    "experience",
    "experiences",
    "employment",
    "work history",
    "professional experience",
    "references",
    "contact",
    "summary",
    "profile",
];

const DEGREE_WORDS: &[&str] = &[
    "msc",
    "m.sc",
    "bsc",
    "b.sc",
    "ba",
    "ma",
    "mba",
    "phd",
    "ph.d",
    "master",
    "masters",
    "master's",
    "bachelor",
    "bachelor's",
    "diploma",
    "degree",
    "university",
    "université",
    "école",
    "ecole",
    "college",
    "ingénieur",
    "engineering school",
    "institute",
];

const ROLE_WORDS: &[&str] = &[
    "engineer",
    "developer",
    "consultant",
    "architect",
    "manager",
    "designer",
    "analyst",
    "scientist",
    "lead",
    "devops",
    "sre",
    "administrator",
    "programmer",
    "cto",
];

/// The tokens of a line: runs of letters, digits and `+ # .` (a trailing `.` dropped), with
/// where each starts in the line.
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        let part = c.is_alphanumeric() || matches!(c, '+' | '#' | '.');
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&line[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&line[s..]);
    }
    out.into_iter()
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.is_empty() && t.chars().any(char::is_alphanumeric))
        .collect()
}

fn canonical(token: &str) -> String {
    let lower = token.to_lowercase();
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map(|(_, name)| (*name).to_owned())
        .unwrap_or(lower)
}

fn is_header(line: &str) -> bool {
    let l = line.trim().trim_end_matches(':').trim().to_lowercase();
    l.len() <= 40 && SECTION_HEADERS.iter().any(|h| l == *h)
}

/// A matcher of the catalogue's names over lines of text.
struct Matcher<'a> {
    /// Canonical token sequences, by their first token.
    by_first: HashMap<String, Vec<(Vec<String>, &'a CatalogueSkill)>>,
}

impl<'a> Matcher<'a> {
    fn new(catalogue: &'a [CatalogueSkill]) -> Self {
        let mut by_first: HashMap<String, Vec<(Vec<String>, &CatalogueSkill)>> = HashMap::new();
        for skill in catalogue {
            let seq: Vec<String> = tokens(&skill.name).into_iter().map(canonical).collect();
            if let Some(first) = seq.first() {
                by_first
                    .entry(first.clone())
                    .or_default()
                    .push((seq, skill));
            }
        }
        for entries in by_first.values_mut() {
            // Longest names first: "Spring Boot" before "Spring".
            entries.sort_by_key(|(seq, _)| std::cmp::Reverse(seq.len()));
        }
        Matcher { by_first }
    }

    /// The skills a line names, in order of appearance.
    fn skills_of(&self, line: &str) -> Vec<&'a CatalogueSkill> {
        // Not inside links and addresses (`github.com/x/rust-tools`).
        let without_links = LINK.replace_all(line, " ");
        let line = EMAIL.replace_all(&without_links, " ");
        let raw = tokens(&line);
        let canon: Vec<String> = raw.iter().map(|t| canonical(t)).collect();
        let technical = canon.iter().any(|t| TECHNICAL_WORDS.contains(&t.as_str()));
        let mut found: Vec<(&CatalogueSkill, bool)> = Vec::new();
        let mut i = 0;
        while i < canon.len() {
            let mut step = 1;
            if let Some(entries) = self.by_first.get(&canon[i]) {
                for (seq, skill) in entries {
                    if canon.len() - i >= seq.len() && canon[i..i + seq.len()] == seq[..] {
                        // Written as the ambiguous word itself (not an unambiguous alias).
                        let word = raw[i].to_lowercase();
                        let ambiguous = seq.len() == 1
                            && AMBIGUOUS_WORDS.contains(&word.as_str())
                            && word == seq[0];
                        let lower_short = ambiguous
                            && word.chars().count() <= 2
                            && !raw[i].chars().any(char::is_uppercase);
                        if !lower_short {
                            found.push((skill, ambiguous));
                        }
                        step = seq.len();
                        break;
                    }
                }
            }
            i += step;
        }
        let context = technical || found.iter().any(|(_, ambiguous)| !ambiguous);
        let mut out: Vec<&CatalogueSkill> = Vec::new();
        for (skill, ambiguous) in found {
            if (!ambiguous || context) && !out.iter().any(|s| s.id == skill.id) {
                out.push(skill);
            }
        }
        out
    }
}

fn month_of(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_lowercase();
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// `Mar 2019`, `03/2019`, `2019` (`bare_month` for a year alone: January for a start,
/// December for an end).
fn parse_date(text: &str, bare_month: u32) -> Option<Month> {
    let text = text.trim();
    let year: i32 = YEAR.find(text)?.as_str().parse().ok()?;
    let before = text[..YEAR.find(text)?.start()].trim();
    let month = if before.is_empty() {
        bare_month
    } else if let Some(m) = before
        .split(['/', '.'])
        .next()
        .and_then(|n| n.trim().parse::<u32>().ok())
    {
        if (1..=12).contains(&m) { m } else { 1 }
    } else {
        month_of(before).unwrap_or(1)
    };
    Some((year, month))
}

/// Months from `start` through `end`, both included (`Jan 2020 - Dec 2023` is 48 months;
/// `2019 - 2024` is January 2019 through December 2024, 72).
fn months_between(start: Month, end: Month) -> i64 {
    i64::from(end.0 - start.0) * 12 + i64::from(end.1) - i64::from(start.1) + 1
}

/// Months covered by a union of intervals.
fn union_months(mut intervals: Vec<(Month, Month)>) -> i64 {
    intervals.sort();
    let mut total = 0;
    let mut current: Option<(Month, Month)> = None;
    for (start, end) in intervals {
        match current {
            Some((s, e)) if start <= e => current = Some((s, e.max(end))),
            Some((s, e)) => {
                total += months_between(s, e);
                current = Some((start, end));
            }
            None => current = Some((start, end)),
        }
    }
    if let Some((s, e)) = current {
        total += months_between(s, e);
    }
    total
}

fn years(months: i64) -> f64 {
    (months as f64 / 12.0 * 10.0).round() / 10.0
}

/// The title and employer of an experience's headline: `Title at Employer`, `Title @
/// Employer`, `Title, Employer`, `Title | Employer`, `Title - Employer`.
fn headline(text: &str) -> (Option<String>, Option<String>) {
    let text = text
        .trim()
        .trim_matches(|c: char| matches!(c, '(' | ')' | '|' | ',' | '-' | '–' | '—' | ':' | ' '))
        .trim();
    if text.is_empty() {
        return (None, None);
    }
    let clean = |s: &str| {
        let s = s
            .trim()
            .trim_matches(|c: char| matches!(c, '(' | ')' | '|' | ',' | '-' | '–' | '—' | ':'))
            .trim();
        (!s.is_empty()).then(|| s.to_owned())
    };
    for sep in [" at ", " @ ", " | ", ", ", " - ", " – ", " — "] {
        if let Some((title, employer)) = text.split_once(sep) {
            return (clean(title), clean(employer));
        }
    }
    (clean(text), None)
}

/// Analyses `text` against the organisation's `catalogue`, as of `today`.
/// `text` without its e-mail addresses, phone numbers and links: what may be indexed for
/// search (contact data is encrypted at rest and never searchable).
pub fn without_contacts(text: &str) -> String {
    let text = EMAIL.replace_all(text, " ");
    let text = LINK.replace_all(&text, " ");
    PHONE.replace_all(&text, " ").into_owned()
}

pub fn analyse(text: &str, catalogue: &[CatalogueSkill], today: NaiveDate) -> Analysis {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let now: Month = (today.year(), today.month());
    let mut analysis = Analysis::default();
    contacts(&lines, &mut analysis);
    let (blocks, education) = sections(&lines);
    analysis.education = education;
    let matcher = Matcher::new(catalogue);
    analysis.skills = skills(&lines, &matcher, &blocks, now);
    analysis.total_years = total_years(&blocks, now);
    analysis.title = title(&lines, &blocks, now);
    analysis.experiences = blocks.into_iter().map(|b| b.experience).collect();
    analysis
}

/// E-mail addresses, phone numbers and links.
fn contacts(lines: &[&str], analysis: &mut Analysis) {
    for line in lines {
        for m in EMAIL.find_iter(line) {
            push_unique(&mut analysis.emails, m.as_str().to_lowercase(), line);
        }
        let without_links = LINK.replace_all(line, " ");
        for m in PHONE.find_iter(&without_links) {
            let digits = m.as_str().chars().filter(char::is_ascii_digit).count();
            // Years ranges ("2019 - 2024") are not phone numbers.
            let text = m.as_str().trim();
            let dialled = text.starts_with(['+', '0', '(']) || digits >= 10;
            if (8..=15).contains(&digits) && dialled && !RANGE.is_match(text) {
                push_unique(&mut analysis.phones, m.as_str().trim().to_owned(), line);
            }
        }
        for m in LINK.find_iter(line) {
            let link = m.as_str().trim_end_matches(['.', ',', ';']);
            push_unique(&mut analysis.links, link.to_owned(), line);
        }
    }
}

/// An experience and the lines that describe it.
struct Block<'a> {
    experience: ExperienceFound,
    /// Its dated line and those after it, up to the next dated line or section.
    lines: Vec<&'a str>,
    /// A section header ended it.
    closed: bool,
}

impl Block<'_> {
    /// Its months, from its start through its end (or this month), `None` if reversed.
    fn interval(&self, now: Month) -> Option<(Month, Month)> {
        let end = self.experience.end.unwrap_or(now).min(now);
        (end >= self.experience.start).then_some((self.experience.start, end))
    }
}

/// The experience a dated line starts, its title and employer from the line (or, when the
/// line has only dates, the line before it).
fn experience_at(lines: &[&str], i: usize) -> Option<ExperienceFound> {
    let line = lines[i];
    let range = RANGE.captures(line)?;
    let whole = range.get(0)?;
    let start = parse_date(range.get(1)?.as_str(), 1)?;
    let end = parse_date(range.get(2)?.as_str(), 12);
    let rest = format!("{} {}", &line[..whole.start()], &line[whole.end()..]);
    let (mut title, mut employer) = headline(&rest);
    if title.is_none() && i > 0 && !RANGE.is_match(lines[i - 1]) && !is_header(lines[i - 1]) {
        (title, employer) = headline(lines[i - 1]);
    }
    Some(ExperienceFound {
        title,
        employer,
        start,
        end,
        evidence: line.to_owned(),
    })
}

/// Whether a line names a degree or a school.
fn names_degree(line: &str) -> bool {
    let lower = line.to_lowercase();
    tokens(&lower).iter().any(|t| DEGREE_WORDS.contains(t))
        || DEGREE_WORDS
            .iter()
            .any(|w| w.contains(' ') && lower.contains(w))
}

fn education_at(line: &str, in_education: bool) -> Option<EducationFound> {
    (in_education || names_degree(line)).then(|| EducationFound {
        text: line.to_owned(),
        year: YEAR
            .find_iter(line)
            .last()
            .and_then(|y| y.as_str().parse().ok()),
        evidence: line.to_owned(),
    })
}

/// Experiences (a dated line and the lines after it up to the next one or a section) and
/// education (an education section's lines, and lines naming a degree).
fn sections<'a>(lines: &[&'a str]) -> (Vec<Block<'a>>, Vec<EducationFound>) {
    let mut blocks: Vec<Block<'a>> = Vec::new();
    let mut education = Vec::new();
    let mut in_education = false;
    for (i, line) in lines.iter().enumerate() {
        if is_header(line) {
            let lower = line.to_lowercase();
            in_education = ["education", "formation", "studies", "academic"]
                .iter()
                .any(|h| lower.starts_with(h));
            if let Some(last) = blocks.last_mut() {
                last.closed = true;
            }
            continue;
        }
        // "MSc, University of Lyon, 2013 - 2015" is education, not work.
        if !in_education
            && !names_degree(line)
            && blocks.len() < MAX_ITEMS
            && let Some(experience) = experience_at(lines, i)
        {
            blocks.push(Block {
                experience,
                lines: vec![line],
                closed: false,
            });
            continue;
        }
        if let Some(block) = blocks.last_mut().filter(|b| !b.closed && !in_education) {
            block.lines.push(line);
        }
        if education.len() < MAX_ITEMS {
            education.extend(education_at(line, in_education));
        }
    }
    (blocks, education)
}

/// The catalogue's skills the lines name, in order of first mention, each with the years of
/// the experiences whose lines name it.
fn skills(
    lines: &[&str],
    matcher: &Matcher<'_>,
    blocks: &[Block<'_>],
    now: Month,
) -> Vec<SkillFound> {
    // Per skill: the order it was first named in, what was found, its experiences' intervals.
    type Named = (usize, SkillFound, Vec<(Month, Month)>);
    let mut skills: BTreeMap<Uuid, Named> = BTreeMap::new();
    for line in lines {
        for skill in matcher.skills_of(line) {
            let order = skills.len();
            skills.entry(skill.id).or_insert_with(|| {
                let found = SkillFound {
                    skill_id: skill.id,
                    name: skill.name.clone(),
                    years: None,
                    evidence: (*line).to_owned(),
                };
                (order, found, Vec::new())
            });
        }
    }
    for block in blocks {
        let Some(interval) = block.interval(now) else {
            continue;
        };
        for line in &block.lines {
            for skill in matcher.skills_of(line) {
                if let Some(entry) = skills.get_mut(&skill.id)
                    && !entry.2.contains(&interval)
                {
                    entry.2.push(interval);
                }
            }
        }
    }
    let mut found: Vec<(usize, SkillFound)> = skills
        .into_values()
        .map(|(order, mut skill, intervals)| {
            if !intervals.is_empty() {
                skill.years = Some(years(union_months(intervals)));
            }
            (order, skill)
        })
        .collect();
    found.sort_by_key(|(order, _)| *order);
    found.into_iter().map(|(_, s)| s).collect()
}

/// Years of all the dated experiences, overlaps counted once.
fn total_years(blocks: &[Block<'_>], now: Month) -> Option<Found<f64>> {
    let intervals: Vec<(Month, Month)> = blocks.iter().filter_map(|b| b.interval(now)).collect();
    if intervals.is_empty() {
        return None;
    }
    let evidence = blocks
        .iter()
        .map(|b| b.experience.evidence.as_str())
        .collect::<Vec<_>>()
        .join(" / ");
    Some(Found {
        value: years(union_months(intervals)),
        evidence,
    })
}

/// The latest experience's title, else an early line that names a role.
fn title(lines: &[&str], blocks: &[Block<'_>], now: Month) -> Option<Found<String>> {
    let latest = blocks
        .iter()
        .map(|b| &b.experience)
        .filter(|e| e.title.is_some())
        .max_by_key(|e| (e.end.is_none(), e.end.unwrap_or(now), e.start));
    match latest {
        Some(e) => e.title.clone().map(|value| Found {
            value,
            evidence: e.evidence.clone(),
        }),
        None => lines.iter().take(6).find_map(|line| {
            let lower = line.to_lowercase();
            let role = tokens(&lower).iter().any(|t| ROLE_WORDS.contains(t));
            let contact = EMAIL.is_match(line) || PHONE.is_match(line) || LINK.is_match(line);
            (role && line.len() <= 80 && !contact).then(|| Found {
                value: (*line).to_owned(),
                evidence: (*line).to_owned(),
            })
        }),
    }
}

/// At most this many of each kind of contact data are kept.
const MAX_CONTACTS: usize = 20;
/// At most this many experiences and education lines are kept.
const MAX_ITEMS: usize = 100;

fn push_unique(list: &mut Vec<Found<String>>, value: String, line: &str) {
    if list.len() < MAX_CONTACTS && !list.iter().any(|f| f.value == value) {
        list.push(Found {
            value,
            evidence: line.to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue(names: &[&str]) -> Vec<CatalogueSkill> {
        names
            .iter()
            .map(|n| CatalogueSkill {
                id: Uuid::new_v4(),
                name: (*n).to_owned(),
            })
            .collect()
    }

    fn names(a: &Analysis) -> Vec<&str> {
        a.skills.iter().map(|s| s.name.as_str()).collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
    }

    #[test]
    fn skills_are_found_in_their_common_spellings_on_word_boundaries() {
        let cat = catalogue(&[
            "Go",
            "Node.js",
            "C++",
            "C#",
            "Kubernetes",
            "Java",
            "PostgreSQL",
            "CI/CD",
            "Spring Boot",
        ]);
        let a = analyse(
            "Backend in Golang and NodeJS\nC++ and C# on k8s with Postgres\nJavaScript is not Java\nCI/CD pipelines, Spring Boot",
            &cat,
            today(),
        );
        assert_eq!(
            names(&a),
            [
                "Go",
                "Node.js",
                "C++",
                "C#",
                "Kubernetes",
                "PostgreSQL",
                "Java",
                "CI/CD",
                "Spring Boot"
            ]
        );
        // "Java" inside "JavaScript" is no Java; the line says Java on its own.
        assert_eq!(a.skills[6].evidence, "JavaScript is not Java");
    }

    #[test]
    fn an_ambiguous_short_name_counts_only_in_a_technical_context() {
        let cat = catalogue(&["Go", "R", "Swift", "Rust", "Docker"]);
        let a = analyse(
            "I like to go hiking\nFree time: rust restoration and swift kayaking\nLet R be a ring",
            &cat,
            today(),
        );
        assert!(a.skills.is_empty(), "{:?}", names(&a));
        let a = analyse(
            "Languages: Go, R and Rust\nSwift developer\nShipped with Docker and Go",
            &cat,
            today(),
        );
        assert_eq!(names(&a), ["Go", "R", "Rust", "Swift", "Docker"]);
        // Lower case "go" stays a verb even beside a skill.
        let a = analyse("go deploy it with Docker", &cat, today());
        assert_eq!(names(&a), ["Docker"]);
    }

    #[test]
    fn experiences_give_years_per_skill_and_in_total() {
        let cat = catalogue(&["Go", "Kubernetes", "PostgreSQL", "Java"]);
        let text = "Jane Doe\n\
            Senior Platform Engineer at Acme Payments (Jan 2020 - Present)\n\
            Built the billing platform in Go on Kubernetes.\n\
            Software Engineer, Globex | 03/2016 – 12/2019\n\
            Java services over PostgreSQL; some Go tooling\n\
            Education\n\
            MSc Computer Science, University of Lyon, 2015\n";
        let a = analyse(text, &cat, today());
        assert_eq!(a.experiences.len(), 2, "{:?}", a.experiences);
        let first = &a.experiences[0];
        assert_eq!(first.title.as_deref(), Some("Senior Platform Engineer"));
        assert_eq!(first.employer.as_deref(), Some("Acme Payments"));
        assert_eq!((first.start, first.end), ((2020, 1), None));
        let second = &a.experiences[1];
        assert_eq!(second.title.as_deref(), Some("Software Engineer"));
        assert_eq!(second.employer.as_deref(), Some("Globex"));
        assert_eq!((second.start, second.end), ((2016, 3), Some((2019, 12))));
        let years: HashMap<&str, Option<f64>> = a
            .skills
            .iter()
            .map(|s| (s.name.as_str(), s.years))
            .collect();
        // Go: Jan 2020 → Dec 2026 (84 months) and Mar 2016 → Dec 2019 (46), no overlap.
        assert_eq!(years["Go"], Some(10.8));
        assert_eq!(years["Kubernetes"], Some(7.0));
        assert_eq!(years["Java"], Some(3.8));
        assert_eq!(a.total_years.as_ref().map(|t| t.value), Some(10.8));
        assert_eq!(
            a.title.as_ref().map(|t| t.value.as_str()),
            Some("Senior Platform Engineer")
        );
        assert_eq!(a.education.len(), 1);
        assert_eq!(a.education[0].year, Some(2015));
        assert!(a.education[0].text.starts_with("MSc"));
    }

    #[test]
    fn contact_data_is_found_with_its_line() {
        let a = analyse(
            "Jane Doe — jane.doe@example.com — +33 6 12 34 56 78\nhttps://github.com/janedoe, linkedin.com/in/jane-doe\n2019 - 2024 Payments at Acme",
            &[],
            today(),
        );
        assert_eq!(a.emails[0].value, "jane.doe@example.com");
        assert_eq!(a.phones.len(), 1, "{:?}", a.phones);
        assert_eq!(a.phones[0].value, "+33 6 12 34 56 78");
        assert!(a.phones[0].evidence.starts_with("Jane Doe"));
        let links: Vec<&str> = a.links.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(
            links,
            ["https://github.com/janedoe", "linkedin.com/in/jane-doe"]
        );
        assert_eq!(a.experiences[0].title.as_deref(), Some("Payments"));
        assert_eq!(a.experiences[0].employer.as_deref(), Some("Acme"));
    }

    #[test]
    fn degrees_dates_and_links_are_not_mistaken() {
        let cat = catalogue(&["Rust", "Go", "Node.js", "Terraform", "React"]);
        let a = analyse(
            "Engineer — born 12.03.1985 — +33 6 12 34 56 78\n\
             https://github.com/jane/rust-tools\n\
             MSc Computer Science, University of Lyon, 2013 - 2015\n\
             Platform work at Acme, 2023 - 2023\n\
             Restarted a cluster node, wrote tf files, react to incidents\n",
            &cat,
            today(),
        );
        assert_eq!(a.phones.len(), 1, "{:?}", a.phones);
        assert!(a.skills.is_empty(), "{:?}", names(&a));
        assert_eq!(a.education.len(), 1);
        assert_eq!(a.experiences.len(), 1, "{:?}", a.experiences);
        assert_eq!(a.experiences[0].end, Some((2023, 12)));
        assert_eq!(a.total_years.as_ref().map(|t| t.value), Some(1.0));
        // A title never copies contact data.
        let a = analyse("Consultant +33 6 12 34 56 78\n", &cat, today());
        assert!(a.title.is_none(), "{:?}", a.title);
    }

    #[test]
    fn what_is_kept_is_bounded() {
        let text: String = (0..5_000)
            .map(|i| {
                format!(
                    "x{i}@example.com +33 6 00 00 {:02} {:02} Engineer at A{i} (2001 - 2002)\n",
                    i % 100,
                    i / 100 % 100
                )
            })
            .collect();
        let a = analyse(&text, &[], today());
        assert_eq!(a.emails.len(), MAX_CONTACTS);
        assert_eq!(a.phones.len(), MAX_CONTACTS);
        assert_eq!(a.experiences.len(), MAX_ITEMS);
    }

    #[test]
    fn nothing_found_in_nothing() {
        assert_eq!(
            analyse("", &catalogue(&["Go"]), today()),
            Analysis::default()
        );
        let a = analyse("Dreamer", &catalogue(&["Go"]), today());
        assert!(a.title.is_none() && a.total_years.is_none() && a.skills.is_empty());
    }
}
