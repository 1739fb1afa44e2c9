// Renders inspector values (CDP RemoteObjects) as short readable strings, and lists an object's properties.
// Runs in the debug adapter process. No DAP types: the session turns these into DAP variables.
import type { CdpClient } from './cdpClient';
import type { ObjectPreview, PropertyPreview, RemoteObject } from './cdpTypes';

export interface RenderedValue {
  value: string;
  type: string;
  /** Present when the value has children to expand. */
  objectId?: string;
}

export interface RenderedProperty extends RenderedValue {
  name: string;
}

const MAX_STRING = 10000;

export function renderValue(obj: RemoteObject): RenderedValue {
  const type = obj.subtype ?? obj.type;
  switch (obj.type) {
    case 'undefined':
      return { value: 'undefined', type };
    case 'string': {
      const s = String(obj.value);
      return { value: JSON.stringify(s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…` : s), type };
    }
    case 'number':
    case 'boolean':
      return { value: obj.unserializableValue ?? String(obj.value), type };
    case 'bigint':
      return { value: obj.unserializableValue ?? obj.description ?? String(obj.value), type };
    case 'symbol':
      return { value: obj.description ?? 'Symbol()', type };
    case 'function':
      return { value: functionSignature(obj), type, objectId: obj.objectId };
    default:
      if (obj.subtype === 'null') return { value: 'null', type: 'null' };
      return { value: describeObject(obj), type: obj.className ?? type, objectId: obj.objectId };
  }
}

/** Own properties (plus internal ones like a Map's [[Entries]]) of an object, in a stable readable order. */
export async function listProperties(cdp: CdpClient, objectId: string): Promise<RenderedProperty[]> {
  const r = await cdp.send('Runtime.getProperties', { objectId, ownProperties: true, generatePreview: true });
  const out: RenderedProperty[] = [];
  for (const p of r.result) {
    if (p.name === '__proto__') continue;
    if (p.value) out.push({ name: p.name, ...renderValue(p.value) });
    else if (p.get && p.get.type !== 'undefined') out.push({ name: p.name, value: '(getter)', type: 'accessor' });
  }
  for (const p of r.internalProperties ?? []) {
    if (p.value) out.push({ name: p.name, ...renderValue(p.value) });
  }
  return out;
}

function describeObject(obj: RemoteObject): string {
  const description = obj.description ?? obj.className ?? 'Object';
  const preview = obj.preview;
  if (!preview) return description;
  switch (obj.subtype) {
    case 'date':
    case 'regexp':
    case 'error':
    case 'promise':
    case 'proxy':
      return description;
    case 'map':
      return `${description} {${(preview.entries ?? []).map((e) => `${previewText(e.key)} => ${previewText(e.value)}`).join(', ')}${preview.overflow ? ', …' : ''}}`;
    case 'set':
      return `${description} {${(preview.entries ?? []).map((e) => previewText(e.value)).join(', ')}${preview.overflow ? ', …' : ''}}`;
    case 'array':
    case 'typedarray':
      return `${description} [${preview.properties
        .filter((p) => /^\d+$/.test(p.name))
        .map(propertyText)
        .join(', ')}${preview.overflow ? ', …' : ''}]`;
    default: {
      const body = preview.properties.map((p) => `${p.name}: ${propertyText(p)}`).join(', ');
      const prefix = description === 'Object' ? '' : `${description} `;
      return `${prefix}{${body}${preview.overflow ? ', …' : ''}}`;
    }
  }
}

function propertyText(p: PropertyPreview): string {
  if (p.type === 'string') return JSON.stringify(p.value ?? '');
  if (p.valuePreview && p.subtype !== 'array') return p.value ?? p.valuePreview.description ?? 'Object';
  return p.value ?? p.type;
}

function previewText(p: ObjectPreview | undefined): string {
  if (!p) return 'undefined';
  if (p.type === 'string') return JSON.stringify(p.description ?? '');
  return p.description ?? p.type;
}

function functionSignature(obj: RemoteObject): string {
  const text = obj.description ?? 'function';
  const m = /^(?:async\s+)?(?:function\s*\*?\s*([\w$]*)\s*\(([^)]*)\)|class\s+([\w$]+))/.exec(text);
  if (m?.[3]) return `class ${m[3]}`;
  if (m) return `ƒ ${m[1] ?? ''}(${m[2] ?? ''})`;
  const firstLine = text.split('\n')[0];
  return `ƒ ${firstLine.length > 80 ? `${firstLine.slice(0, 80)}…` : firstLine}`;
}
