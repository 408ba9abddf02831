/**
 * A strict interpreter for the part of Obsidian's Bases expression language that
 * Groundwork's domains base uses, so a test can run the base's formulas against the policy.
 * Strict on purpose: a method called on a missing property, an unknown function or method, or
 * a syntax error throws, so a formula that only works by luck fails here.
 *
 * Semantics follow the Bases docs ("functions follow JavaScript behavior"): `if()` tests
 * truthiness, `&&`/`||` short-circuit, `==` compares values strictly, a missing property is null.
 */

type Value = string | number | boolean | null | RegExp | BasesDate | FileRef;

interface BasesDate {
  kind: 'date';
  text: string | null;
}

interface FileRef {
  kind: 'file';
  path: string;
}

export interface Row {
  path: string;
  frontmatter: Record<string, unknown>;
}

type Node =
  | { t: 'lit'; v: Value }
  | { t: 'id'; name: string }
  | { t: 'member'; obj: Node; name: string }
  | { t: 'index'; obj: Node; key: string }
  | { t: 'call'; callee: Node; args: Node[] }
  | { t: 'not'; x: Node }
  | { t: 'bin'; op: '&&' | '||' | '==' | '!='; a: Node; b: Node };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|("(?:[^"\\]|\\.)*")|(\/(?:[^/\\\n]|\\.)+\/)|([A-Za-z_][\w]*)|(&&|\|\||==|!=|[!().,[\]]))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(src);
    if (!m) throw new SyntaxError(`Cannot read the expression at ${i}: ${src.slice(i, i + 20)}`);
    out.push(m[0].trim());
    i = TOKEN.lastIndex;
  }
  return out;
}

export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const eat = (t?: string) => {
    const tok = toks[p++];
    if (tok === undefined || (t !== undefined && tok !== t)) throw new SyntaxError(`Expected ${t ?? 'more'} in ${src} at token ${p}`);
    return tok;
  };
  const orExpr = (): Node => {
    let a = andExpr();
    while (peek() === '||') {
      eat();
      a = { t: 'bin', op: '||', a, b: andExpr() };
    }
    return a;
  };
  const andExpr = (): Node => {
    let a = eqExpr();
    while (peek() === '&&') {
      eat();
      a = { t: 'bin', op: '&&', a, b: eqExpr() };
    }
    return a;
  };
  const eqExpr = (): Node => {
    let a = unary();
    while (peek() === '==' || peek() === '!=') {
      const op = eat() as '==' | '!=';
      a = { t: 'bin', op, a, b: unary() };
    }
    return a;
  };
  const unary = (): Node => (peek() === '!' ? (eat(), { t: 'not', x: unary() }) : postfix());
  const postfix = (): Node => {
    let n = primary();
    for (;;) {
      if (peek() === '.') {
        eat();
        n = { t: 'member', obj: n, name: eat() };
      } else if (peek() === '[') {
        eat();
        const key = eat();
        if (!key.startsWith('"')) throw new SyntaxError(`Only string keys in brackets: ${src}`);
        eat(']');
        n = { t: 'index', obj: n, key: JSON.parse(key) as string };
      } else if (peek() === '(') {
        eat();
        const args: Node[] = [];
        while (peek() !== ')') {
          args.push(orExpr());
          if (peek() === ',') eat();
        }
        eat(')');
        n = { t: 'call', callee: n, args };
      } else return n;
    }
  };
  const primary = (): Node => {
    const tok = eat();
    if (tok === '(') {
      const e = orExpr();
      eat(')');
      return e;
    }
    if (tok.startsWith('"')) return { t: 'lit', v: JSON.parse(tok) as string };
    if (tok.startsWith('/')) return { t: 'lit', v: new RegExp(tok.slice(1, -1)) };
    if (/^\d/.test(tok)) return { t: 'lit', v: Number(tok) };
    if (tok === 'true' || tok === 'false') return { t: 'lit', v: tok === 'true' };
    if (/^[A-Za-z_]/.test(tok)) return { t: 'id', name: tok };
    throw new SyntaxError(`Unexpected ${tok} in ${src}`);
  };
  const node = orExpr();
  if (p !== toks.length) throw new SyntaxError(`Unexpected ${toks[p]} in ${src}`);
  return node;
}

/** Every `formula.X` an expression reads. */
export function formulaRefs(src: string): string[] {
  return [...src.matchAll(/\bformula\.(\w+)/g)].map((m) => m[1]!);
}

const truthy = (v: Value): boolean => !(v === null || v === false || v === '' || v === 0);

function realDate(text: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text ? text : null;
}

function fromYaml(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new TypeError(`This interpreter has no value for ${JSON.stringify(v)}`);
}

export class BasesEvaluator {
  private readonly parsed = new Map<string, Node>();

  constructor(private readonly formulas: Record<string, string>) {}

  private node(src: string): Node {
    let n = this.parsed.get(src);
    if (!n) this.parsed.set(src, (n = parseExpression(src)));
    return n;
  }

  evaluate(src: string, row: Row): Value {
    return this.eval(this.node(src), row, new Set());
  }

  private eval(n: Node, row: Row, stack: Set<string>): Value {
    switch (n.t) {
      case 'lit':
        return n.v;
      case 'id':
        if (n.name === 'file') return { kind: 'file', path: row.path };
        if (n.name === 'note' || n.name === 'formula') throw new Error(`${n.name} needs a property name`);
        return fromYaml(row.frontmatter[n.name]);
      case 'index':
      case 'member': {
        const key = n.t === 'index' ? n.key : n.name;
        if (n.obj.t === 'id' && n.obj.name === 'note') return fromYaml(row.frontmatter[key]);
        if (n.obj.t === 'id' && n.obj.name === 'formula') {
          const f = this.formulas[key];
          if (f === undefined) throw new Error(`formula.${key} is not defined`);
          if (stack.has(key)) throw new Error(`formula.${key} refers to itself`);
          return this.eval(this.node(f), row, new Set([...stack, key]));
        }
        throw new Error(`No field ${key} here (only methods are supported)`);
      }
      case 'not':
        return !truthy(this.eval(n.x, row, stack));
      case 'bin': {
        const a = this.eval(n.a, row, stack);
        if (n.op === '&&') return truthy(a) ? truthy(this.eval(n.b, row, stack)) : false;
        if (n.op === '||') return truthy(a) ? true : truthy(this.eval(n.b, row, stack));
        const b = this.eval(n.b, row, stack);
        const same = a === b;
        return n.op === '==' ? same : !same;
      }
      case 'call':
        return this.call(n, row, stack);
    }
  }

  private call(n: Extract<Node, { t: 'call' }>, row: Row, stack: Set<string>): Value {
    const args = () => n.args.map((a) => this.eval(a, row, stack));
    if (n.callee.t === 'id') {
      if (n.callee.name === 'if') {
        if (n.args.length < 2 || n.args.length > 3) throw new Error('if() takes 2 or 3 arguments');
        const c = this.eval(n.args[0]!, row, stack);
        if (truthy(c)) return this.eval(n.args[1]!, row, stack);
        return n.args[2] ? this.eval(n.args[2], row, stack) : null;
      }
      if (n.callee.name === 'date') {
        const [s] = args();
        if (typeof s !== 'string') throw new Error('date() takes a string');
        return { kind: 'date', text: realDate(s) };
      }
      throw new Error(`Unknown function ${n.callee.name}()`);
    }
    if (n.callee.t !== 'member') throw new Error('Only functions and methods can be called');
    const method = n.callee.name;
    const self = this.eval(n.callee.obj, row, stack);
    const [arg] = args();
    if (self === null) throw new Error(`.${method}() called on a missing value`);
    if (self instanceof RegExp) {
      if (method !== 'matches' || typeof arg !== 'string') throw new Error(`regexp.${method}() is not supported`);
      return self.test(arg);
    }
    if (typeof self === 'object' && self.kind === 'file') {
      if (method !== 'inFolder' || typeof arg !== 'string') throw new Error(`file.${method}() is not supported`);
      return self.path.startsWith(`${arg}/`);
    }
    if (typeof self === 'object' && self.kind === 'date') {
      if (method !== 'format' || arg !== 'YYYY-MM-DD') throw new Error(`date.${method}() is not supported`);
      return self.text ?? 'Invalid date';
    }
    switch (method) {
      case 'toString':
        return String(self);
      case 'trim':
      case 'lower':
        if (typeof self !== 'string') throw new Error(`.${method}() needs a string`);
        return method === 'trim' ? self.trim() : self.toLowerCase();
      default:
        throw new Error(`Unknown method .${method}()`);
    }
  }
}

/** A view's filter object (and/or/not of strings or filter objects) on one row. */
export function matchesFilter(ev: BasesEvaluator, filter: unknown, row: Row): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'string') return truthy(ev.evaluate(filter, row));
  const f = filter as { and?: unknown[]; or?: unknown[]; not?: unknown[] };
  if (f.and) return f.and.every((x) => matchesFilter(ev, x, row));
  if (f.or) return f.or.some((x) => matchesFilter(ev, x, row));
  if (f.not) return !f.not.some((x) => matchesFilter(ev, x, row));
  throw new Error(`Not a filter: ${JSON.stringify(filter)}`);
}
