// Packs the installed @bigfive-org/questions into the JSON files the server reads from
// its classpath: one <lang>.json per language and a languages.json index.
//
//   node pack.mjs <output directory>
//
// The Maven build runs this in generate-resources with ${project.build.outputDirectory}/itembank.
// It exits non-zero with a message when the package's data is not what the server expects,
// so a package update that breaks the item bank fails the build instead of the questionnaire.

import { mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const PACKAGE = '@bigfive-org/questions';
const ITEMS = 120;
const DOMAINS = ['N', 'E', 'O', 'A', 'C'];
const FACETS = 6;

function fail(message) {
  console.error(`item bank: ${message}`);
  process.exit(1);
}

if (process.argv.length !== 3) {
  fail('usage: node pack.mjs <output directory>');
}
const out = resolve(process.argv[2]);

const require = createRequire(import.meta.url);
let root;
try {
  root = dirname(require.resolve(`${PACKAGE}/package.json`));
} catch {
  fail(`${PACKAGE} is not installed here; run npm ci in ${dirname(new URL(import.meta.url).pathname)}`);
}
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const data = join(root, 'data');

function load(lang, file) {
  try {
    return require(join(data, lang, file));
  } catch (e) {
    fail(`${PACKAGE}@${version}: cannot read data/${lang}/${file}: ${e.message}`);
  }
}

// The package's choices.js lists five options per key in display order (Very Inaccurate
// first) with the score of each; for minus-keyed items the scores run 5..1. Labels are
// written here in score order 1..5, so for "minus" they come out reversed.
function labelsByScore(lang, choices, key) {
  const options = choices[key];
  if (!Array.isArray(options) || options.length !== 5) {
    fail(`${lang}: choices.${key} must list 5 options`);
  }
  const labels = [];
  for (const option of options) {
    const text = typeof option.text === 'string' ? option.text.trim() : '';
    if (!Number.isInteger(option.score) || option.score < 1 || option.score > 5 || !text) {
      fail(`${lang}: choices.${key} has an option without a score 1..5 and a label`);
    }
    if (labels[option.score - 1] !== undefined) {
      fail(`${lang}: choices.${key} has score ${option.score} twice`);
    }
    labels[option.score - 1] = text;
  }
  return labels;
}

function item(lang, q, i) {
  const where = `${lang}: item ${i + 1} (${q && q.id})`;
  if (!q || typeof q !== 'object') fail(`${where} is not an object`);
  if (typeof q.id !== 'string' || !q.id) fail(`${where} has no id`);
  if (typeof q.text !== 'string' || !q.text.trim()) fail(`${where} has no text`);
  if (q.keyed !== 'plus' && q.keyed !== 'minus') fail(`${where} is keyed "${q.keyed}"`);
  if (!DOMAINS.includes(q.domain)) fail(`${where} has domain "${q.domain}"`);
  const facet = Number(q.facet);
  if (!Number.isInteger(facet) || facet < 1 || facet > FACETS) fail(`${where} has facet "${q.facet}"`);
  return { id: q.id, text: q.text.trim(), keyed: q.keyed, domain: q.domain, facet };
}

const languages = require(join(data, 'languages.json'));
if (!Array.isArray(languages) || languages.length === 0) {
  fail(`${PACKAGE}@${version}: data/languages.json lists no languages`);
}
const listed = new Set(languages.map((l) => l.id));
const unlisted = readdirSync(data, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !listed.has(d.name))
  .map((d) => d.name);
if (unlisted.length > 0) {
  console.warn(`item bank: ignoring data folders not in languages.json: ${unlisted.join(', ')}`);
}

// English is the reference: every language must have the same ids, keys and facets in the
// same order, since answers are stored by item id and scored by key.
const reference = load('en', 'questions.json').map((q, i) => item('en', q, i));
const packs = [];
for (const { id: lang, text: name } of languages) {
  if (typeof lang !== 'string' || !/^[a-z]{2,3}(-[a-z]{2,4})?$/.test(lang)) {
    fail(`data/languages.json has an unusable language id "${lang}"`);
  }
  const questions = load(lang, 'questions.json');
  if (!Array.isArray(questions) || questions.length !== ITEMS) {
    fail(`${lang} (${name}) has ${Array.isArray(questions) ? questions.length : 'no'} items, expected ${ITEMS}`);
  }
  const items = questions.map((q, i) => item(lang, q, i));
  items.forEach((it, i) => {
    const en = reference[i];
    if (it.id !== en.id) {
      fail(`${lang}: item ${i + 1} has id ${it.id}, English has ${en.id}: ids differ across languages`);
    }
    if (it.keyed !== en.keyed || it.domain !== en.domain || it.facet !== en.facet) {
      fail(`${lang}: item ${it.id} is ${it.domain}${it.facet} ${it.keyed}, English has ${en.domain}${en.facet} ${en.keyed}`);
    }
  });
  const choices = load(lang, 'choices.js');
  packs.push({
    language: lang,
    name: String(name).trim(),
    items,
    choices: { plus: labelsByScore(lang, choices, 'plus'), minus: labelsByScore(lang, choices, 'minus') },
  });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const pack of packs) {
  writeFileSync(join(out, `${pack.language}.json`), JSON.stringify(pack));
}
writeFileSync(join(out, 'languages.json'), JSON.stringify(packs.map((p) => ({ id: p.language, name: p.name }))));
// Every result names the item bank it was scored with (ItemBank.version).
writeFileSync(join(out, 'version.txt'), `${PACKAGE}@${version}\n`);
// MIT asks for its notice to travel with copies of the package's content.
copyFileSync(join(root, 'LICENSE'), join(out, 'LICENSE-bigfive-org-questions.txt'));
console.log(`item bank: ${PACKAGE}@${version}, ${packs.length} languages x ${ITEMS} items -> ${out}`);
