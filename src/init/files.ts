/** The files `linkbook init` writes, by path relative to the project folder. */

const STARTER_REPORT = `# A starter report. With no AHREFS_API_KEY in the environment it runs on sample data from the
# embedded emulator (free; every page says "sample data"). Edit it while \`linkbook preview\` runs.
name: starter
title: "Backlinks for {{ target }}"
params:
  target: { type: string, default: example.com, description: The site the report is about. }
target: "{{ target }}"
mode: domain
# templates/campaign beside this folder: a template of your own that extends the shared one
template: campaign
outputs: [html, pdf]
client: { name: Your Agency, accent: "#0b6efd" }
# the most a run may spend; a run whose plan passes it is refused before the first request
budget: { ahrefs_v3_units: 2000 }
compare: previous
data:
  refdomains:
    provider: ahrefs-v3
    from: refdomains
    select: [domain, domain_rating, links_to_target, dofollow_links, first_seen]
    where: domain_rating >= 10
    limit: 200
    cache: 6d
sections:
  - title: Referring domains by TLD
    aggregate: { kind: tld, of: refdomains, top: 8 }
    chart: donut
  - title: Dofollow and nofollow
    aggregate: { kind: follow, of: refdomains }
    chart: bar
  - title: Strongest referring domains
    table: { of: refdomains, columns: [domain, authority, backlinks, first_seen], sort: authority desc, limit: 15 }
  - text: |
      {{ target }} has {{ fmt datasets.refdomains.count }} referring domains in this report.
`;

const CAMPAIGN_LAYOUT = `<!doctype html>
<html lang="en">
<head>
{{> head}}
</head>
<body class="template-campaign">
{{> sample-banner}}
<section class="page campaign">
  {{!-- partials/report-header.hbs in this folder overrides the shared one; the rest are shared --}}
  {{> report-header kindLabel=label periodLabel=asOfLabel}}
  {{> kpis}}
  {{#each sections}}
  <div class="campaign-section {{breakClass}}" id="{{name}}">{{> section}}</div>
  {{/each}}
</section>
<section class="page methodology">
  {{> methodology}}
</section>
</body>
</html>
`;

const CAMPAIGN_HEADER = `<header class="report-header campaign-header">
  <div class="report-header-text">
    <div class="eyebrow">{{kindLabel}}</div>
    <h1>{{title}}</h1>
    <div class="report-meta"><strong class="report-target">{{target}}</strong><span class="sep">·</span>{{periodLabel}}</div>
  </div>
  {{> brand}}
</header>
`;

// the header label: a report's own \`label:\` wins over it (docs/templates.md, "The manifest")
const CAMPAIGN_MANIFEST = `{
  "$schema": "../../node_modules/linkbook/schema/template-manifest.schema.json",
  "label": "Link-building campaign"
}
`;

const CAMPAIGN_CSS = `/* campaign: your own template. The shared base.css (fonts, tokens such as --accent, --ink-soft,
   --rule-strong, tables, print rules) comes first; this file follows it. */
.campaign-header { display: flex; justify-content: space-between; align-items: flex-start; gap: 16pt; padding-bottom: 10pt; margin-bottom: 12pt; border-bottom: 3pt solid var(--accent); }
.campaign-header h1 { font-size: 20pt; margin-top: 3pt; overflow-wrap: anywhere; }
.report-meta { margin-top: 4pt; color: var(--ink-soft); }
.report-target { color: var(--accent); }
.sep { margin: 0 6pt; color: var(--rule-strong); }
.campaign-section { margin-top: 14pt; }
.campaign-section h2 { font-size: 13pt; }
`;

const CLIENTS_CSV = `target,name,email
example.com,Example Inc,seo@example.com
example.org,Example Org,web@example.org
`;

const ENV_EXAMPLE = `# Copy to .env and fill in what you use: linkbook reads .env from the folder you run it in
# and from beside reports/; a variable already set in your shell wins. A provider left empty
# runs on sample data. .gitignore keeps .env out of git.

# Ahrefs API v3 key (Authorization: Bearer)
AHREFS_API_KEY=
# Ahrefs API v2 token (v2 was discontinued in November 2025)
AHREFS_V2_TOKEN=
# DataForSEO login and password (HTTP Basic)
DATAFORSEO_LOGIN=
DATAFORSEO_PASSWORD=
# SMTP for reports with email: (smtp://user:pass@host:587)
SMTP_URL=
SMTP_FROM=

# Optional: other API origins (an emulator: linkbook emulator --port 8080)
# AHREFS_V3_URL=http://127.0.0.1:8080
# AHREFS_V2_URL=http://127.0.0.1:8080
# DATAFORSEO_URL=http://127.0.0.1:8080
# Optional: the store (SQLite path or postgres:// URL) and the queue
# LINKBOOK_STORE=.linkbook/linkbook.db
# REDIS_URL=redis://127.0.0.1:6379
# Optional: the Chromium that prints PDFs
# LINKBOOK_CHROMIUM=/usr/bin/chromium-headless-shell
`;

const GITIGNORE = `# linkbook outputs and its store (cached API responses, snapshots, run ledger)
out/
.linkbook/
.env
`;

const README = `# Backlink reports

Made with [linkbook](https://www.npmjs.com/package/linkbook).

- \`reports/starter.yaml\`: a report definition (sample data until you set a key in \`.env\`)
- \`templates/campaign/\`: your own template; it extends linkbook's shared partials and overrides
  \`report-header\` in \`templates/campaign/partials/\`; its \`manifest.json\` sets the header label
  (a report's own \`label:\` wins)
- \`clients.csv\`: one row per client for batch runs
- \`.env.example\`: every credential linkbook reads; \`cp .env.example .env\` and fill in your keys.
  linkbook reads \`.env\` by itself (from this folder, or beside \`reports/\` when run from
  elsewhere); a variable already set in your shell wins, and values are never printed

## Next

\`\`\`sh
linkbook preview reports/starter.yaml --open              # a live page that re-renders as you edit; spends nothing without your click
linkbook run reports/starter.yaml                         # report.html, report.pdf and data.json under out/
linkbook run reports/starter.yaml --targets clients.csv   # one report per client
\`\`\`

\`linkbook estimate reports/starter.yaml\` shows what a run would cost before it spends anything.
`;

export const SCAFFOLD_FILES: Readonly<Record<string, string>> = {
  'reports/starter.yaml': STARTER_REPORT,
  'templates/campaign/layout.hbs': CAMPAIGN_LAYOUT,
  'templates/campaign/partials/report-header.hbs': CAMPAIGN_HEADER,
  'templates/campaign/style.css': CAMPAIGN_CSS,
  'templates/campaign/manifest.json': CAMPAIGN_MANIFEST,
  'clients.csv': CLIENTS_CSV,
  '.env.example': ENV_EXAMPLE,
  '.gitignore': GITIGNORE,
  'README.md': README,
};
