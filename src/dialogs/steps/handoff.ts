/**
 * handoff: pass the conversation to a person. Emits one HandoffEvent (sinks.ts) with a reference
 * to reply into this conversation, the district, the call-back number if given, a one-line
 * summary (the citizen's, or the collected answers rendered by the handoff-summary template) and
 * the choice answers. If the sink fails, the citizen is told so and given 12348 — never a
 * pretend confirmation.
 */
import { randomUUID } from 'node:crypto';
import { CODE_TEMPLATES, SLOTS } from '../ids';
import type { StepHandler } from '../step-contract';
import { storedText } from '../sinks';
import { follow } from './common';

export const handoff: StepHandler<'handoff'> = {
  kind: 'handoff',
  async enter(step, ctx) {
    const { kb, flows, sinks, logger } = ctx.services;
    const d = ctx.profile.district ? kb.district(ctx.profile.district) : undefined;
    const answers: Record<string, string> = {};
    for (const [slot, key] of Object.entries(ctx.state.labels)) answers[slot] = flows.translator.t('zh-CN', key);
    const own = ctx.getSlot(SLOTS.summary);
    const question = ctx.getSlot(SLOTS.question);
    const contact = ctx.getSlot(SLOTS.contact);
    const summary =
      typeof own === 'string' && own.trim()
        ? storedText(own)
        : storedText(ctx.render(CODE_TEMPLATES.handoffSummary, { answers }, 'zh-CN').text.replace(/\s+/g, ' '));
    try {
      await sinks.handoff.emit({
        type: 'handoff',
        id: randomUUID(),
        at: new Date().toISOString(),
        reference: ctx.turn.reference,
        channelId: ctx.turn.channelId,
        locale: ctx.locale,
        district: d ? { code: d.code, name: d.name } : undefined,
        contact: typeof contact === 'string' && contact ? contact : undefined,
        summary,
        answers: Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, storedText(v)])),
        lastQuestion: typeof question === 'string' && question ? storedText(question) : undefined,
      });
      logger.info({ conversation: ctx.turn.conversationId, district: d?.code }, 'handoff requested');
    } catch (err) {
      logger.error({ err, conversation: ctx.turn.conversationId }, 'handoff could not be delivered');
      await ctx.send({ ...ctx.render(CODE_TEMPLATES.handoffFailed), suggestions: [] });
      return { type: 'end' };
    }
    return follow(step.next);
  },
  targets: (step) => ({
    steps: step.next ? [step.next] : [],
    flows: [],
    templates: [CODE_TEMPLATES.handoffSummary, CODE_TEMPLATES.handoffFailed],
    keys: [],
  }),
};
