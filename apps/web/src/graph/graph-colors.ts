import type { NodeKind } from './graph-model';

/** Colours of the graph, from the page's CSS variables (so light and dark both read well). */
export interface GraphPalette {
  node: (kind: NodeKind, state: string) => string;
  edge: string;
  edgePaused: string;
  /** Links inside the focused node's reach. */
  focusEdge: string;
  dim: string;
  label: string;
}

/** Which CSS variable colours each state; also the legend's swatch classes. */
export const TOOL_RISK_TONE: Record<string, string> = {
  read: 'ok',
  write: 'warn',
  destructive: 'bad',
  irreversible: 'crit',
};
export const AGENT_HEALTH_TONE: Record<string, string> = {
  online: 'ok',
  paused: 'warn',
  draining: 'info',
  offline: 'mute',
  revoked: 'bad',
};
export const WORKSPACE_TONE: Record<string, string> = { active: 'accent', paused: 'warn' };
/** Components are coloured by kind; kinds not listed are `info`. */
export const COMPONENT_KIND_TONE: Record<string, string> = { tcp_listener: 'info' };

export function toneOf(kind: NodeKind, state: string): string {
  if (kind === 'component') return COMPONENT_KIND_TONE[state] ?? 'info';
  const table = kind === 'tool' ? TOOL_RISK_TONE : kind === 'agent' ? AGENT_HEALTH_TONE : WORKSPACE_TONE;
  return table[state] ?? 'mute';
}

export function readPalette(el: Element = document.documentElement): GraphPalette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(`--${name}`).trim() || fallback;
  const tones: Record<string, string> = {
    ok: v('ok', '#1a7f37'),
    warn: v('warn', '#9a6700'),
    bad: v('bad', '#c62828'),
    crit: v('crit', '#8e24aa'),
    info: v('info', '#2f6fde'),
    mute: v('mute', '#6e7781'),
    accent: v('accent', '#2f6fde'),
  };
  return {
    node: (kind, state) => tones[toneOf(kind, state)] ?? tones.mute!,
    edge: v('muted', '#5e6773') + '66',
    edgePaused: tones.warn!,
    focusEdge: tones.accent!,
    dim: v('panel-2', '#f0f2f5'),
    label: v('text', '#1b1f24'),
  };
}
