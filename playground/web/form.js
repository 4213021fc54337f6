// The case form, generated from the library's description of the fact
// declarations (cairn::case::form): one control per fact, grouped as the
// guideline groups them. "Unknown" is the first choice of every control and
// its default; values are written in the case file's JSON form.

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
};

const option = (value, text) => el('option', { value }, text);

/** What a case that leaves the fact out means, in words. */
function absentWords(fact) {
  if (fact.absent === null) return null;
  if (Array.isArray(fact.absent)) return fact.absent.length ? fact.absent.join(', ') : 'none';
  if (fact.absent === true) return 'yes';
  if (fact.absent === false) return 'no';
  return String(fact.absent);
}

/** The control (and a hint) for one fact. */
function control(fact) {
  const id = `fact-${fact.name}`;
  const hint = [];
  let input;
  switch (fact.type) {
    case 'bool':
      input = el('select', { id, 'data-fact': fact.name }, option('', 'unknown'), option('true', 'yes'), option('false', 'no'));
      break;
    case 'enum':
      input = el('select', { id, 'data-fact': fact.name }, option('', 'unknown'),
        ...fact.values.map((v) => option(v.name, v.label)));
      break;
    case 'integer':
    case 'number':
      input = el('input', {
        id, 'data-fact': fact.name, type: 'number', placeholder: 'unknown',
        step: fact.type === 'integer' ? '1' : 'any', min: fact.min, max: fact.max,
      });
      if (fact.min !== null || fact.max !== null) hint.push(`${fact.min ?? '…'} to ${fact.max ?? '…'}`);
      break;
    case 'quantity':
      input = el('input', { id, 'data-fact': fact.name, type: 'number', step: 'any', placeholder: 'unknown', 'data-unit': fact.unit });
      hint.push(fact.range ? `${fact.unit}, ${fact.range}` : fact.unit);
      break;
    case 'date': {
      const choice = el('select', { id, 'data-fact': fact.name, 'data-part': 'choice' },
        option('', 'unknown'), option('date', 'on the date'));
      if (fact.never) choice.append(option('never', 'never'));
      const date = el('input', { type: 'date', 'data-fact': fact.name, 'data-part': 'date', 'aria-label': `${fact.label}: date`, disabled: '' });
      choice.addEventListener('change', () => { date.disabled = choice.value !== 'date'; });
      input = el('span', { class: 'pair' }, choice, date);
      break;
    }
    case 'list': {
      const choice = el('select', { id, 'data-fact': fact.name, 'data-part': 'choice' },
        option('', 'unknown'), option('given', 'contains exactly'));
      const boxes = fact.values.map((v) => el('label', { class: 'check' },
        el('input', { type: 'checkbox', 'data-fact': fact.name, 'data-value': v.name, disabled: '' }), v.label));
      choice.addEventListener('change', () => {
        for (const b of boxes) b.querySelector('input').disabled = choice.value !== 'given';
      });
      input = el('span', { class: 'list' }, choice, ...boxes);
      break;
    }
    default:
      input = el('span', {}, `(${fact.type})`);
  }
  const absent = absentWords(fact);
  if (absent !== null) hint.push(`left out: ${absent}`);
  const row = el('div', { class: 'fact', 'data-fact-row': fact.name },
    el('label', { for: id, title: (fact.doc || []).join(' ') || null }, fact.label),
    input,
    el('span', { class: 'hint' }, hint.join('; ')),
    el('code', { class: 'name' }, fact.name));
  return row;
}

/** Draws the form of `form` into `root`, keeping the values of `previous`. */
export function drawForm(root, form, previous) {
  root.replaceChildren();
  for (const group of form.groups) {
    const box = el('fieldset', { 'data-group': group.id ?? '' }, el('legend', {}, group.title));
    for (const fact of group.facts) box.append(control(fact));
    root.append(box);
  }
  root.dataset.facts = JSON.stringify(form.groups.flatMap((g) => g.facts.map((f) => [f.name, f.type, f.absent !== null])));
  if (previous) setFacts(root, previous);
}

const controls = (root, name) => root.querySelectorAll(`[data-fact="${CSS.escape(name)}"]`);

/** The facts the form gives, in the case file's JSON form; an unknown
 * fact is left out, or `null` when leaving it out would mean a value. */
export function readFacts(root) {
  const facts = {};
  for (const [name, type, hasAbsent] of JSON.parse(root.dataset.facts || '[]')) {
    const [first, ...rest] = controls(root, name);
    if (!first) continue;
    let value = null;
    const v = first.value;
    switch (type) {
      case 'bool': value = v === '' ? null : v === 'true'; break;
      case 'enum': value = v === '' ? null : v; break;
      case 'integer': case 'number': value = v === '' ? null : Number(v); break;
      case 'quantity': value = v === '' ? null : `${v} ${first.dataset.unit}`; break;
      case 'date':
        if (v === 'never') value = 'never';
        else if (v === 'date' && rest[0].value) value = rest[0].value;
        break;
      case 'list':
        if (v === 'given') value = rest.filter((b) => b.checked).map((b) => b.dataset.value);
        break;
      default: break;
    }
    if (value !== null) facts[name] = value;
    else if (hasAbsent) facts[name] = null;
  }
  return facts;
}

/** Sets the controls to the facts of a case (the form's own values). */
export function setFacts(root, facts) {
  for (const [name, type] of JSON.parse(root.dataset.facts || '[]')) {
    const [first, ...rest] = controls(root, name);
    if (!first) continue;
    const value = facts[name] ?? null;
    switch (type) {
      case 'bool': first.value = value === null ? '' : String(value); break;
      case 'enum': first.value = value ?? ''; break;
      case 'integer': case 'number': first.value = value === null ? '' : String(value); break;
      case 'quantity': first.value = value === null ? '' : String(value).split(' ')[0]; break;
      case 'date':
        first.value = value === null ? '' : value === 'never' ? 'never' : 'date';
        rest[0].value = value !== null && value !== 'never' ? value : '';
        rest[0].disabled = first.value !== 'date';
        break;
      case 'list':
        first.value = Array.isArray(value) ? 'given' : '';
        for (const b of rest) {
          b.checked = Array.isArray(value) && value.includes(b.dataset.value);
          b.disabled = first.value !== 'given';
        }
        break;
      default: break;
    }
  }
}
