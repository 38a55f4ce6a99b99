/**
 * How the engine's words become a reply: the one template context (every template, whether a
 * step or the engine renders it, gets the same locale, district, slots, labels and alert) and the
 * one Reply → Activity mapping. Each activity names the template that produced it in
 * channelData.template (transcripts assert it, as Rasa stories assert actions); a reply not made
 * from a template (the turn-error apology, a UI string) carries none.
 */
import { type Activity, ActionTypes, ActivityTypes, InputHints, MessageFactory } from 'botbuilder';
import type { Locale } from '../content/schema';
import { alertView } from './alert';
import type { SlotValue } from './condition';
import { SLOTS, type TemplateName } from './ids';
import type { EngineServices, Profile, Rendered, Reply } from './step-contract';
import { chatSafe } from './input';

/** What a template context is made from: the flow's slots and labels (none outside a flow). */
export interface RenderState {
  slots: Record<string, SlotValue>;
  labels: Record<string, string>;
}

const NO_FLOW: RenderState = { slots: {}, labels: {} };

/** Template context every template gets; citizen-supplied slot values are made chat-safe. */
function templateContext(services: EngineServices, profile: Profile, state: RenderState, locale: Locale): Record<string, unknown> {
  const { kb, flows } = services;
  const slots: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state.slots)) slots[k] = typeof v === 'string' ? chatSafe(v) : Array.isArray(v) ? v.map((x) => chatSafe(String(x))) : v;
  const labels: Record<string, string> = {};
  for (const [k, key] of Object.entries(state.labels)) labels[k] = flows.translator.t(locale, key);
  const d = profile.district ? kb.district(profile.district) : undefined;
  const cats = state.slots[SLOTS.emergency];
  const given = state.slots[SLOTS.calls];
  const alert =
    Array.isArray(cats) && cats.length ? alertView(cats.map(String), Array.isArray(given) ? given.map(String) : ['110'], flows.emergency, kb, locale) : undefined;
  return {
    locale,
    en: locale === 'en',
    slots,
    labels,
    district: d ? (locale === 'en' ? d.name_en : d.name) : undefined,
    alert,
  };
}

/** Renders `template` in `locale` with the common context (over `state`, if in a flow) plus `extra`. */
export function renderTemplate(
  services: EngineServices,
  profile: Profile,
  locale: Locale,
  template: TemplateName,
  extra: Record<string, unknown> = {},
  state: RenderState = NO_FLOW,
): Rendered {
  return { text: services.flows.templates.render(template, locale, { ...templateContext(services, profile, state, locale), ...extra }), template };
}

export function replyActivity(reply: Reply, locale: Locale): Partial<Activity> {
  const a = reply.suggestions.length ? MessageFactory.suggestedActions(reply.suggestions, reply.text) : MessageFactory.text(reply.text);
  // A dial button opens the phone's dialler; numbered buttons show "1. …" and still send the label.
  for (const [i, act] of (a.suggestedActions?.actions ?? []).entries()) {
    const label = String(act.value);
    const number = reply.dial?.[label];
    if (number) Object.assign(act, { type: ActionTypes.OpenUrl, value: `tel:${number}` });
    if (reply.numbered) act.title = `${i + 1}. ${label}`;
  }
  if (reply.full || reply.template) {
    a.channelData = { ...(a.channelData ?? {}), ...(reply.full ? { fullText: reply.full } : {}), ...(reply.template ? { template: reply.template } : {}) };
  }
  a.type = ActivityTypes.Message;
  a.locale = locale;
  a.textFormat = 'markdown';
  a.inputHint = reply.expectsInput ? InputHints.ExpectingInput : InputHints.AcceptingInput;
  return a;
}
