//! The texts the search benchmark indexes, written two ways (`--corpus`):
//!
//! - **realistic** (the default): words as résumés use them. Each consultant has six
//!   specialties out of 158 technical terms, which make a fifth of their words; one word in
//!   twenty is any technical term; the rest is ordinary language drawn by Zipf's law (rank `r`
//!   drawn with weight `1 / r`) from 100 words résumés are full of ("experience", "team",
//!   "built", …) followed by 4,000 rarer ones. A technical term is in a few percent of the
//!   texts, a common word in most of them, as in real résumés.
//! - **uniform**: every word drawn uniformly from the first 60 technical terms, so each query
//!   word is in about 93 % of all texts — the worst case for ranking by words, kept to show it.

/// A deterministic pseudo-random sequence (xorshift).
pub struct Random(pub u64);

impl Random {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `n` words drawn uniformly from the first 60 technical terms.
    pub fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| TECHNICAL[self.below(60)])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Which texts to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corpus {
    Realistic,
    Uniform,
}

impl Corpus {
    pub fn parse(name: &str) -> Option<Corpus> {
        match name {
            "realistic" => Some(Corpus::Realistic),
            "uniform" => Some(Corpus::Uniform),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Corpus::Realistic => "realistic",
            Corpus::Uniform => "uniform",
        }
    }
}

/// Writes the profile and résumé of one consultant after another.
pub struct Writer {
    corpus: Corpus,
    random: Random,
    /// Cumulative Zipf weights of the ordinary words.
    cumulative: Vec<f64>,
    rare: Vec<String>,
}

impl Writer {
    pub fn new(corpus: Corpus, seed: u64) -> Writer {
        let rare: Vec<String> = (0..4_000).map(pseudo_word).collect();
        let mut total = 0.0;
        let cumulative = (0..COMMON.len() + rare.len())
            .map(|rank| {
                total += 1.0 / (rank as f64 + 1.0);
                total
            })
            .collect();
        Writer {
            corpus,
            random: Random(seed),
            cumulative,
            rare,
        }
    }

    /// A consultant's profile and résumé texts.
    pub fn consultant(&mut self, name: &str) -> (String, String) {
        match self.corpus {
            Corpus::Uniform => {
                let r = &mut self.random;
                let profile = format!("{name}\nSoftware engineer\n{}\n{}", r.words(8), r.words(20));
                let cv = format!("{}.\n{}.\n{}.", r.words(60), r.words(60), r.words(40));
                (profile, cv)
            }
            Corpus::Realistic => {
                let specialties: Vec<&str> = (0..6)
                    .map(|_| TECHNICAL[self.random.below(TECHNICAL.len())])
                    .collect();
                let title = format!(
                    "{} {}",
                    specialties[0],
                    TITLES[self.random.below(TITLES.len())]
                );
                let headline = self.sentence(&specialties, 8, 1.0);
                let summary = self.sentence(&specialties, 20, 0.25);
                let profile = format!("{name}\n{title}\n{headline}\n{summary}");
                let cv = format!(
                    "{}.\n{}.\n{}.",
                    self.sentence(&specialties, 60, 0.2),
                    self.sentence(&specialties, 60, 0.2),
                    self.sentence(&specialties, 40, 0.2)
                );
                (profile, cv)
            }
        }
    }

    /// `n` words: a `specialty` share of them from `specialties`, one in twenty any technical
    /// term, the rest ordinary words.
    fn sentence(&mut self, specialties: &[&str], n: usize, specialty: f64) -> String {
        (0..n)
            .map(|_| {
                let roll = self.random.unit();
                if roll < specialty {
                    specialties[self.random.below(specialties.len())].to_owned()
                } else if roll < specialty + 0.05 {
                    TECHNICAL[self.random.below(TECHNICAL.len())].to_owned()
                } else {
                    self.ordinary()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn ordinary(&mut self) -> String {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let target = self.random.unit() * total;
        let rank = self.cumulative.partition_point(|c| *c < target);
        match COMMON.get(rank) {
            Some(word) => (*word).to_owned(),
            None => self.rare[(rank - COMMON.len()).min(self.rare.len() - 1)].clone(),
        }
    }
}

/// A made-up word for each number: syllables, so the tokenizers see one ordinary word.
fn pseudo_word(mut i: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "du", "ba", "zo", "fi", "ge", "hu",
        "ja",
    ];
    let mut word = String::new();
    for _ in 0..3 {
        word.push_str(SYLLABLES[i % SYLLABLES.len()]);
        i /= SYLLABLES.len();
    }
    word
}

const TITLES: [&str; 8] = [
    "developer",
    "engineer",
    "consultant",
    "architect",
    "lead",
    "specialist",
    "expert",
    "contractor",
];

/// Technical terms: the first 60 make the uniform corpus.
pub const TECHNICAL: &[&str] = &[
    "payments",
    "billing",
    "invoicing",
    "Go",
    "Golang",
    "Rust",
    "Kubernetes",
    "Docker",
    "Terraform",
    "AWS",
    "GCP",
    "Azure",
    "PostgreSQL",
    "MySQL",
    "Redis",
    "Kafka",
    "Spark",
    "Python",
    "Java",
    "Spring",
    "Kotlin",
    "Scala",
    "React",
    "TypeScript",
    "GraphQL",
    "REST",
    "microservices",
    "monolith",
    "migration",
    "observability",
    "Prometheus",
    "Grafana",
    "security",
    "audit",
    "pipelines",
    "CI",
    "search",
    "relevance",
    "mobile",
    "banking",
    "insurance",
    "retail",
    "logistics",
    "firmware",
    "embedded",
    "C++",
    "agile",
    "coaching",
    "data",
    "machine",
    "learning",
    "platform",
    "latency",
    "scaling",
    "teams",
    "design",
    "led",
    "built",
    "operated",
    "designed", // the uniform corpus's 60 end here
    "Django",
    "Flask",
    "FastAPI",
    "Rails",
    "Laravel",
    "Angular",
    "Vue",
    "Svelte",
    "Next.js",
    "Node.js",
    "NestJS",
    "Express",
    ".NET",
    "C#",
    "F#",
    "Elixir",
    "Erlang",
    "Haskell",
    "Clojure",
    "Swift",
    "iOS",
    "Android",
    "Flutter",
    "Unity",
    "Snowflake",
    "BigQuery",
    "Airflow",
    "dbt",
    "Hadoop",
    "Hive",
    "Flink",
    "Elasticsearch",
    "MongoDB",
    "Cassandra",
    "DynamoDB",
    "Neo4j",
    "ClickHouse",
    "Ansible",
    "Puppet",
    "Chef",
    "Helm",
    "Istio",
    "Jenkins",
    "GitLab",
    "ArgoCD",
    "OpenShift",
    "Linux",
    "Nginx",
    "Vault",
    "Consul",
    "PyTorch",
    "TensorFlow",
    "scikit-learn",
    "pandas",
    "NumPy",
    "NLP",
    "LLM",
    "vision",
    "healthcare",
    "telecom",
    "energy",
    "automotive",
    "gaming",
    "ecommerce",
    "fintech",
    "SAP",
    "Salesforce",
    "SharePoint",
    "Tableau",
    "PowerBI",
    "Selenium",
    "Cypress",
    "Jest",
    "JUnit",
    "Solidity",
    "blockchain",
    "Zig",
    "OCaml",
    "Perl",
    "PHP",
    "Ruby",
    "WordPress",
    "Magento",
    "Shopify",
    "Stripe",
    "Adyen",
    "PCI",
    "GDPR",
    "SOC2",
    "ISO27001",
    "OAuth",
    "Keycloak",
    "RabbitMQ",
    "NATS",
    "gRPC",
    "WebAssembly",
    "CUDA",
    "FPGA",
];

/// Ordinary words résumés are full of, most frequent first.
const COMMON: [&str; 100] = [
    "experience",
    "team",
    "development",
    "project",
    "software",
    "worked",
    "responsible",
    "systems",
    "engineer",
    "built",
    "services",
    "design",
    "clients",
    "delivery",
    "years",
    "requirements",
    "architecture",
    "implementation",
    "solutions",
    "platform",
    "applications",
    "management",
    "support",
    "business",
    "developed",
    "working",
    "led",
    "customer",
    "new",
    "using",
    "product",
    "code",
    "testing",
    "performance",
    "infrastructure",
    "api",
    "web",
    "backend",
    "frontend",
    "engineering",
    "processes",
    "improved",
    "migrating",
    "migrated",
    "technical",
    "stakeholders",
    "quality",
    "release",
    "production",
    "monitoring",
    "features",
    "reporting",
    "tools",
    "environment",
    "deployment",
    "integration",
    "automation",
    "review",
    "senior",
    "junior",
    "lead",
    "manager",
    "owner",
    "coach",
    "agile",
    "scrum",
    "sprint",
    "pipelines",
    "apps",
    "programming",
    "functional",
    "engine",
    "tuning",
    "audits",
    "penetration",
    "cd",
    "boot",
    "payment",
    "machine",
    "learning",
    "data",
    "search",
    "security",
    "operations",
    "strategy",
    "analysis",
    "training",
    "documentation",
    "mentoring",
    "cloud",
    "scalable",
    "reliable",
    "secure",
    "high",
    "large",
    "international",
    "remote",
    "startup",
    "enterprise",
    "consulting",
];
