/**
 * The one botbuilder-dialogs Dialog that runs every flow: its DialogInstance state is the
 * FlowState (flow, step, slots, retries, history), so it lives in ConversationState on whatever
 * Storage is configured and a conversation resumes after a restart. Each turn it runs step
 * handlers until one waits for the citizen or the flow ends; a runaway loop (which validation
 * rules out) stops with a FlowRuntimeError instead of spinning.
 * Per-turn services reach the dialog through TurnContext.turnState (TURN_SCOPE), set by engine.ts.
 */
import type { TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Locale } from '../content/schema';
import type { StepDef } from './flow-schema';
import { CORE_FLOWS, type FlowId, PROFILE_SLOTS, SLOTS, type StepId } from './ids';
import { renderTemplate, replyActivity } from './reply';
import type { EngineServices, FlowState, Profile, SlotValue, StepContext, StepOutcome, TalkContext, TurnInfo } from './step-contract';
import { FlowRuntimeError } from './step-contract';
import { stepHandler } from './steps';

/** Kept here for callers outside src/dialogs that still import it from this file (src/staff). */
export { replyActivity } from './reply';

export const FLOW_DIALOG_ID = 'flow';
export const TURN_SCOPE = Symbol('legal-aid-bot.turn-scope');
/** More steps than this in one turn means a loop; validation should have caught it. */
export const MAX_STEPS_PER_TURN = 60;
const MAX_HISTORY = 20;

export interface FlowStart {
  flow: FlowId;
  step?: StepId;
  slots?: Record<string, SlotValue>;
}

/** What the engine knows about this turn, shared with the dialog. */
export interface TurnScope {
  services: EngineServices;
  profile: Profile;
  locale: Locale;
  turn: TurnInfo;
  /** The conversation's current entry/topic (ConversationState), read and updated by steps. */
  talk: TalkContext;
  text: string;
  /** Where a free-text question goes: a flow whose trigger it contains, else the answer flow. */
  routeQuestion(text: string): FlowStart;
}

function scopeOf(context: TurnContext): TurnScope {
  const s = context.turnState.get(TURN_SCOPE) as TurnScope | undefined;
  if (!s) throw new Error('FlowDialog used outside DialogEngine (no turn scope)');
  return s;
}

function stepContext(context: TurnContext, scope: TurnScope, state: FlowState): StepContext {
  const { flows } = scope.services;
  return {
    services: scope.services,
    get locale() {
      return scope.locale;
    },
    profile: scope.profile,
    state,
    turn: scope.turn,
    talk: scope.talk,
    async send(reply) {
      await context.sendActivity(replyActivity(reply, scope.locale));
    },
    render: (template, extra, locale) => renderTemplate(scope.services, scope.profile, locale ?? scope.locale, template, extra, state),
    t: (key, vars) => flows.translator.t(scope.locale, key, vars),
    getSlot(name) {
      if (PROFILE_SLOTS.has(name)) return scope.profile[name];
      return state.slots[name];
    },
    setSlot(name, value) {
      if (PROFILE_SLOTS.has(name)) {
        if (value === undefined) return; // declining to say does not forget what we knew
        scope.profile[name] = String(value);
        return;
      }
      if (value === undefined) delete state.slots[name];
      else state.slots[name] = value;
    },
  };
}

export class FlowDialog extends Dialog<FlowStart> {
  constructor() {
    super(FLOW_DIALOG_ID);
  }

  override async beginDialog(dc: DialogContext, options?: FlowStart): Promise<DialogTurnResult> {
    const scope = scopeOf(dc.context);
    const start = options ?? { flow: CORE_FLOWS.welcome };
    const flow = scope.services.flows.flows.get(start.flow);
    if (!flow) throw new FlowRuntimeError(`unknown flow "${start.flow}"`, start.flow, start.step ?? '');
    const state: FlowState = {
      flow: flow.id,
      step: start.step ?? flow.first,
      slots: { ...(start.slots ?? {}) },
      labels: {},
      retries: 0,
      history: [],
      shown: [],
    };
    dc.activeDialog!.state = state;
    return this.drive(dc, state, { kind: 'enter' });
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as FlowState;
    return this.drive(dc, state, { kind: 'input', text: scopeOf(dc.context).text });
  }

  /** Shows the waiting step again (after a language switch or "帮助"). */
  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const scope = scopeOf(context);
    const state = instance.state as FlowState;
    const step = this.stepDef(scope, state);
    await stepHandler(step).enter(stepContext(context, scope, state), { reprompt: true });
  }

  /** "返回": the previous question again. False when there is nothing to go back to. */
  async back(dc: DialogContext): Promise<boolean> {
    const state = dc.activeDialog?.state as FlowState | undefined;
    const prev = state?.history.pop();
    if (!state || !prev) return false;
    state.flow = prev.flow;
    state.step = prev.step;
    state.retries = 0;
    await this.drive(dc, state, { kind: 'enter' });
    return true;
  }

  private stepDef(scope: TurnScope, state: FlowState): StepDef {
    const step = scope.services.flows.flows.get(state.flow)?.steps.get(state.step);
    if (!step) throw new FlowRuntimeError('unknown step (flows changed under a saved conversation?)', state.flow, state.step);
    return step;
  }

  private async drive(dc: DialogContext, state: FlowState, start: { kind: 'enter' } | { kind: 'input'; text: string }): Promise<DialogTurnResult> {
    const scope = scopeOf(dc.context);
    const ctx = stepContext(dc.context, scope, state);
    let outcome: StepOutcome;
    let step = this.stepDef(scope, state);
    const input = stepHandler(step).input;
    if (start.kind === 'input' && input) {
      const at = { flow: state.flow, step: state.step };
      outcome = await input(ctx, start.text);
      if (outcome.type !== 'wait' && outcome.type !== 'question') {
        state.history.push(at);
        if (state.history.length > MAX_HISTORY) state.history.shift();
      }
    } else {
      for (const [k, v] of Object.entries(step.set ?? {})) ctx.setSlot(k, v);
      outcome = await stepHandler(step).enter(ctx, { reprompt: false });
    }

    for (let n = 0; ; n++) {
      if (n > MAX_STEPS_PER_TURN) throw new FlowRuntimeError('too many steps in one turn', state.flow, state.step);
      switch (outcome.type) {
        case 'wait':
          return Dialog.EndOfTurn;
        case 'end':
          return dc.endDialog();
        case 'next':
          state.step = outcome.step;
          break;
        case 'goto': {
          const f = scope.services.flows.flows.get(outcome.flow);
          if (!f) throw new FlowRuntimeError(`unknown flow "${outcome.flow}"`, state.flow, state.step);
          state.flow = f.id;
          state.step = outcome.step ?? f.first;
          break;
        }
        case 'question': {
          // A new question replaces the flow; misses carry over so a second miss offers a person.
          const next = scope.routeQuestion(outcome.text);
          const f = scope.services.flows.flows.get(next.flow)!;
          const misses = state.slots[SLOTS.misses];
          state.flow = f.id;
          state.step = next.step ?? f.first;
          state.slots = { ...(next.slots ?? {}), ...(misses !== undefined ? { [SLOTS.misses]: misses } : {}) };
          state.labels = {};
          state.history = [];
          break;
        }
      }
      state.retries = 0;
      state.shown = [];
      step = this.stepDef(scope, state);
      for (const [k, v] of Object.entries(step.set ?? {})) ctx.setSlot(k, v);
      outcome = await stepHandler(step).enter(ctx, { reprompt: false });
    }
  }
}
