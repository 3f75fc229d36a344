#!/usr/bin/env node
// Splits string literals and comments that run past 120 columns (issue 18), so Biome's formatter can then
// lay the pieces out: a string becomes 'a ' + 'b' (checked: the same text and substitutions), a comment
// line becomes several. Run by hand after `npx biome format --write .`: node scripts/wrap-long-lines.mjs FILE...
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const ts = require('typescript');

const LIMIT = 120;
const [, , ...files] = process.argv;

const SAFE_PARENTS = new Set([
  ts.SyntaxKind.CallExpression, // as argument (checked below)
  ts.SyntaxKind.NewExpression,
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.ArrayLiteralExpression,
  ts.SyntaxKind.ReturnStatement,
  ts.SyntaxKind.ParenthesizedExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.ConditionalExpression,
  ts.SyntaxKind.JsxExpression,
  ts.SyntaxKind.TemplateSpan,
  ts.SyntaxKind.Parameter,
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.ThrowStatement,
  ts.SyntaxKind.BinaryExpression, // checked below
]);

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Split points (indices into raw, after a space) in the literal parts of a template or string's raw text. */
function splitCandidates(raw, isTemplate) {
  const out = [];
  let depth = 0;
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (isTemplate) {
      if (depth === 0 && c === '$' && raw[i + 1] === '{') {
        if (i > 1) out.push(i);
        depth = 1;
        i++;
        continue;
      }
      if (depth > 0) {
        if (c === '{') depth++;
        else if (c === '}') depth--;
        continue;
      }
    }
    if (c === ' ' && i + 1 < raw.length - 1) out.push(i + 1);
  }
  return out;
}

/** Literal texts and substitution sources of a string/template expression tree, adjacent literals merged. */
function parts(node, sf) {
  const acc = [];
  const lit = (s) => {
    if (acc.length && acc[acc.length - 1].t === 'l') acc[acc.length - 1].v += s;
    else acc.push({ t: 'l', v: s });
  };
  const walk = (n) => {
    if (ts.isParenthesizedExpression(n)) return walk(n.expression);
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return lit(n.text);
    if (ts.isTemplateExpression(n)) {
      lit(n.head.text);
      for (const s of n.templateSpans) {
        acc.push({ t: 'e', v: s.expression.getText(sf) });
        lit(s.literal.text);
      }
      return;
    }
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      walk(n.left);
      walk(n.right);
      return;
    }
    acc.push({ t: 'x', v: n.getText(sf) });
  };
  walk(node);
  return JSON.stringify(acc);
}

function needsParens(node) {
  const p = node.parent;
  if (!SAFE_PARENTS.has(p.kind)) return true;
  if (ts.isCallExpression(p) || ts.isNewExpression(p)) return p.expression === node;
  if (ts.isBinaryExpression(p)) {
    const k = p.operatorToken.kind;
    const ok = [
      ts.SyntaxKind.PlusToken,
      ts.SyntaxKind.EqualsToken,
      ts.SyntaxKind.QuestionQuestionToken,
      ts.SyntaxKind.BarBarToken,
      ts.SyntaxKind.AmpersandAmpersandToken,
      ts.SyntaxKind.EqualsEqualsEqualsToken,
      ts.SyntaxKind.ExclamationEqualsEqualsToken,
      ts.SyntaxKind.CommaToken,
      ts.SyntaxKind.PlusEqualsToken,
    ];
    if (!ok.includes(k)) return true;
    if (k === ts.SyntaxKind.PlusToken && p.right === node) return true;
    return false;
  }
  return false;
}

function skip(node) {
  const p = node.parent;
  if (!p) return true;
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p)) return true;
  if (ts.isLiteralTypeNode(p) || ts.isTaggedTemplateExpression(p) || ts.isJsxAttribute(p)) return true;
  if (ts.isAsExpression(p) || ts.isSatisfiesExpression?.(p) || ts.isTypeAssertionExpression?.(p)) return true;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)) && p.name === node)
    return true;
  if (ts.isEnumMember(p) || ts.isModuleDeclaration(p) || ts.isCaseClause(p)) return true;
  if (ts.isElementAccessExpression(p) && p.argumentExpression === node) return true;
  if (ts.isExpressionStatement(p)) return true; // directives
  return false;
}

function wrapString(node, sf, text, _indent, maxWidth) {
  const start = node.getStart(sf);
  const raw = text.slice(start, node.end);
  const isTemplate = raw[0] === '`';
  const q = raw[0];
  const width = Math.max(30, maxWidth);
  const cands = splitCandidates(raw, isTemplate);
  // Greedy: cut at the last candidate that keeps the chunk within `width` (measured in raw chars).
  const cuts = [];
  let from = 1;
  while (raw.length - 1 - from > width) {
    let best = -1;
    for (const c of cands) if (c > from + 10 && c - from <= width) best = c;
    if (best < 0) best = cands.find((c) => c > from + 10) ?? -1;
    if (best < 0 || best >= raw.length - 1) break;
    cuts.push(best);
    from = best;
  }
  if (!cuts.length) return null;
  const pieces = [];
  let prev = 1;
  for (const c of [...cuts, raw.length - 1]) {
    pieces.push(q + raw.slice(prev, c) + q);
    prev = c;
  }
  let repl = pieces.join(' + ');
  if (needsParens(node)) repl = `(${repl})`;
  // Verify: same literal text and substitutions.
  const check = ts.createSourceFile('x.ts', `const __x = ${repl};`, ts.ScriptTarget.Latest, true);
  const decl = check.statements[0].declarationList.declarations[0].initializer;
  if (parts(decl, check) !== parts(node, sf))
    throw new Error(`split changed value in ${sf.fileName}: ${raw.slice(0, 60)}`);
  return { start, end: node.end, repl };
}

function wrapCommentLine(line) {
  const m = /^(\s*)(\/\/\s?|\*\s?|\/\*\*\s?)(.*?)(\s*\*\/)?$/.exec(line);
  if (!m) return null;
  const [, ind, lead, body, close] = m;
  if (lead.startsWith('/**') && close) {
    // one-line JSDoc -> block
    const words = body.split(' ');
    const out = [`${ind}/**`];
    let cur = '';
    for (const w of words) {
      if (cur && (ind + ' * ' + cur + ' ' + w).length > LIMIT) {
        out.push(`${ind} * ${cur}`);
        cur = w;
      } else cur = cur ? `${cur} ${w}` : w;
    }
    if (cur) out.push(`${ind} * ${cur}`);
    out.push(`${ind} */`);
    return out.join('\n');
  }
  if (close) return null;
  if (lead.startsWith('/**')) return null;
  const pre = lead.startsWith('//') ? `${ind}// ` : `${ind}* `;
  const words = body.split(' ');
  const out = [];
  let cur = '';
  for (const w of words) {
    if (cur && (pre + cur + ' ' + w).length > LIMIT) {
      out.push(pre + cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(pre + cur);
  return out.length > 1 ? out.join('\n') : null;
}

let stringEdits = 0;
let commentEdits = 0;
for (const file of files) {
  let text = fs.readFileSync(file, 'utf8');
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const starts = lineStarts(text);
  const lines = text.split('\n');
  const edits = [];
  const commentLines = new Map();
  // Comment ranges, to know whether a line is inside a comment.
  const inComment = (pos) => {
    let hit = false;
    const visit = (n) => {
      if (hit) return;
      for (const r of [...(ts.getLeadingCommentRanges(text, n.pos) ?? [])]) if (pos >= r.pos && pos < r.end) hit = true;
      if (pos >= n.pos && pos < n.end) n.forEachChild(visit);
    };
    visit(sf);
    return hit;
  };
  const nodeAt = (pos) => {
    let found = null;
    const visit = (n) => {
      if (pos < n.getStart(sf) || pos >= n.end) return;
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) found = n;
      n.forEachChild(visit);
    };
    visit(sf);
    return found;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length <= LIMIT) continue;
    const trimmed = line.trimStart();
    const pos0 = starts[i] + (line.length - trimmed.length);
    if ((trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/**')) && inComment(pos0)) {
      const w = wrapCommentLine(line);
      if (w) commentLines.set(i, w);
      continue;
    }
    // Strings on this line: those containing the limit column (outermost first), then the longest.
    const chain = [];
    const collect = (n, pos) => {
      if (pos < n.getStart(sf) || pos >= n.end) return;
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) chain.push(n);
      n.forEachChild((c) => collect(c, pos));
    };
    collect(sf, starts[i] + LIMIT - 1);
    const others = [];
    for (let c = starts[i]; c < starts[i] + line.length; c++) {
      const n = nodeAt(c);
      if (n && !others.includes(n) && !chain.includes(n)) others.push(n);
    }
    others.sort((a, b) => b.end - b.getStart(sf) - (a.end - a.getStart(sf)));
    const indent = line.length - trimmed.length;
    let _done = null;
    for (const node of [...chain, ...others]) {
      if (skip(node)) continue;
      if (edits.some((e) => e.start === node.getStart(sf))) {
        _done = true;
        break;
      }
      const rawLen = node.end - node.getStart(sf);
      const over = line.length - LIMIT;
      const e = wrapString(node, sf, text, indent, Math.min(LIMIT - indent - 8, rawLen - over - 4));
      if (e) {
        edits.push(e);
        _done = e;
        break;
      }
    }
  }
  if (!edits.length && !commentLines.size) continue;
  // Apply comment line replacements first on lines (positions of string edits refer to the original text).
  edits.sort((a, b) => b.start - a.start);
  for (const e of edits) text = text.slice(0, e.start) + e.repl + text.slice(e.end);
  stringEdits += edits.length;
  if (commentLines.size) {
    // Recompute lines: string edits never touch comment lines' text, so find those lines by content.
    const out = [];
    const orig = lines;
    const newLines = text.split('\n');
    const map = new Map([...commentLines].map(([i, w]) => [orig[i], w]));
    for (const l of newLines) out.push(map.has(l) ? map.get(l) : l);
    text = out.join('\n');
    commentEdits += commentLines.size;
  }
  fs.writeFileSync(file, text);
}
console.log(`split ${stringEdits} strings, wrapped ${commentEdits} comment lines in ${files.length} files`);
