/**
 * The conversation engine for one turn. Order of work on every message:
 *   1. clean the text (control characters, length) — nothing a client sends can crash a turn
 *   2. emergency check (lexicon/emergency.yaml) — danger now → the emergency flow, whatever
 *      flow was open; its first reply names 110 (and 120/119 where fitting). Weaker signals
 *      (caution) → a one-line 110 notice, then the message is handled as below
 *   3. language switch ("English", "中文", or the channel's locale when the citizen has not chosen);
 *      asked about in the other script ("你会说英语吗"): told how to switch, not switched
 *   4. a district named anywhere is remembered for routes
 *   5. commands understood anywhere: reset, greeting, menu, help, back, human (→ handoff flow),
 *      and the courtesies thanks / acknowledge / smalltalk ("谢谢", "好的", "哈哈"): a short reply,
 *      then the open question again or the menu — unless the open question takes the message as
 *      its answer ("好的" to "要转人工吗？", "有" to "这个回答有帮助吗？")
 *   6. the open flow gets the message; with none open, a flow trigger or the answer flow (search)
 * State: the flow lives in ConversationState (dialog stack), with the conversation's current
 * entry/topic beside it (TalkContext: follow-ups are read against it); the profile (locale,
 * district) in UserState. The caller (bot.ts) saves both after the turn.
 */
import type { ConversationState, StatePropertyAccessor, TurnContext, UserState } from 'botbuilder';
import { type DialogContext, DialogSet, type DialogState } from 'botbuilder-dialogs';
import type { Locale } from '../content/schema';
import { DEFAULT_LOCALE, isLocale, localeFromTag } from '../i18n/locale';
import { isSkip, recognizeChoice } from './choice-recognizer';
import { asksAboutLanguage, type Command, matchCommand, matchLanguageSwitch } from './commands';
import { onlyNamesDistrict } from './district';
import { alertView } from './alert';
import { detectEmergency } from './emergency';
import type { StepDef } from './flow-schema';
import { CODE_KEYS, CODE_TEMPLATES, CORE_FLOWS, CORE_STEPS, SLOTS, type TemplateName } from './ids';
import { FLOW_DIALOG_ID, FlowDialog, type FlowStart, TURN_SCOPE, type TurnScope } from './interpreter';
import { renderTemplate, replyActivity } from './reply';
import type { EngineServices, FlowState, Profile, Rendered, TalkContext } from './step-contract';
import { normalizeForMatch, sanitizeInput } from './input';

export interface DialogEngineDeps extends EngineServices {
  conversationState: ConversationState;
  userState: UserState;
}

export class DialogEngine {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly profile: StatePropertyAccessor<Profile>;
  private readonly talk: StatePropertyAccessor<TalkContext>;
  private readonly dialogs: DialogSet;
  private readonly flowDialog = new FlowDialog();

  constructor(private readonly deps: DialogEngineDeps) {
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.profile = deps.userState.createProperty<Profile>('profile');
    this.talk = deps.conversationState.createProperty<TalkContext>('talkContext');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(this.flowDialog);
  }

  /** Where a free-text question goes: a flow whose trigger phrase it contains, else search. */
  routeQuestion(text: string): FlowStart {
    const n = normalizeForMatch(text);
    const t = this.deps.flows.triggers.find((x) => n.includes(x.phrase));
    return { flow: t?.flow ?? CORE_FLOWS.answer, slots: { [SLOTS.question]: text } };
  }

  private async scope(context: TurnContext, text: string): Promise<TurnScope> {
    const profile = await this.profile.get(context, {});
    const fromChannel = localeFromTag(context.activity.locale);
    let locale: Locale = DEFAULT_LOCALE;
    if (profile.localeExplicit && isLocale(profile.locale)) locale = profile.locale;
    else if (fromChannel) locale = fromChannel;
    else if (isLocale(profile.locale)) locale = profile.locale;
    if (!profile.localeExplicit && locale !== profile.locale) profile.locale = locale;
    const reference = {
      channelId: context.activity.channelId,
      serviceUrl: context.activity.serviceUrl,
      conversation: context.activity.conversation,
      user: context.activity.from,
      bot: context.activity.recipient,
      locale,
    };
    const scope: TurnScope = {
      services: this.deps,
      profile,
      locale,
      text,
      turn: { channelId: context.activity.channelId ?? 'unknown', conversationId: context.activity.conversation?.id ?? 'unknown', reference },
      talk: await this.talk.get(context, {}),
      routeQuestion: (t) => this.routeQuestion(t),
    };
    context.turnState.set(TURN_SCOPE, scope);
    return scope;
  }

  /** A reply outside any flow: a rendered template, or a UI string's text. */
  private async send(context: TurnContext, scope: TurnScope, reply: Rendered | { text: string }): Promise<void> {
    await context.sendActivity(replyActivity({ ...reply, suggestions: [] }, scope.locale));
  }

  private render(scope: TurnScope, template: TemplateName, extra: Record<string, unknown> = {}): Rendered {
    return renderTemplate(this.deps, scope.profile, scope.locale, template, extra);
  }

  private currentStep(dc: DialogContext): StepDef | undefined {
    const st = dc.activeDialog?.state as FlowState | undefined;
    return st ? this.deps.flows.flows.get(st.flow)?.steps.get(st.step) : undefined;
  }

  /** After an aside (help, a district, thanks): the open question again, or the menu when none is open. */
  private async resume(dc: DialogContext, opts: { menuAfterAnswer?: boolean } = {}): Promise<void> {
    const step = this.currentStep(dc);
    if (dc.activeDialog && step && !(opts.menuAfterAnswer && step.kind === 'answer')) {
      await dc.repromptDialog();
      return;
    }
    await dc.cancelAllDialogs();
    await dc.beginDialog(FLOW_DIALOG_ID, CORE_STEPS.welcomeMenu satisfies FlowStart);
  }

  /** The open question understands the message as its answer ("好的" to a yes/no question). */
  private openStepTakes(dc: DialogContext, text: string): boolean {
    const st = dc.activeDialog?.state as FlowState | undefined;
    const step = this.currentStep(dc);
    if (!st || !step) return false;
    const lex = this.deps.flows.choices;
    if (step.kind === 'choice' || step.kind === 'answer') {
      return !!recognizeChoice(text, st.shown, lex, { freeText: step.kind === 'answer' || step.otherwise === 'question' });
    }
    return step.kind === 'ask' && step.optional && isSkip(text, lex);
  }

  /** Thanks, "好的", "哈哈": a short reply, then the open question again or the menu. */
  private async courtesy(dc: DialogContext, scope: TurnScope, command: Extract<Command, 'thanks' | 'acknowledge' | 'smalltalk'>): Promise<void> {
    const template = { thanks: CODE_TEMPLATES.welcome, acknowledge: CODE_TEMPLATES.acknowledged, smalltalk: CODE_TEMPLATES.smallTalk }[command];
    await this.send(dc.context, scope, this.render(scope, template));
    await this.resume(dc, { menuAfterAnswer: true });
  }

  /** A new member joined (web chat opened, WeChat follow): the welcome flow. */
  async onMembersAdded(context: TurnContext): Promise<void> {
    await this.scope(context, '');
    const dc = await this.dialogs.createContext(context);
    await dc.cancelAllDialogs();
    await dc.beginDialog(FLOW_DIALOG_ID, { flow: CORE_FLOWS.welcome } satisfies FlowStart);
  }

  async onMessage(context: TurnContext): Promise<void> {
    const { text, truncated } = sanitizeInput(context.activity.text);
    const scope = await this.scope(context, text);
    const { logger, flows, kb } = this.deps;
    const log = { conversation: scope.turn.conversationId, channel: scope.turn.channelId };
    if (truncated) logger.info({ ...log, chars: context.activity.text?.length }, 'long message truncated');
    const dc = await this.dialogs.createContext(context);

    if (!text) {
      await this.send(context, scope, this.render(scope, CODE_TEMPLATES.nonText));
      return;
    }

    const alarm = detectEmergency(text, flows.emergency);
    if (alarm?.level === 'caution') {
      // Danger words, but the time is unclear or it is also a legal question: one 110 line first,
      // then the message goes on as usual, so the question still gets its answer.
      logger.warn({ ...log, categories: alarm.categories, matched: alarm.matched }, 'emergency caution');
      const alert = alertView(alarm.categories, alarm.calls, flows.emergency, kb, scope.locale);
      await this.send(context, scope, this.render(scope, CODE_TEMPLATES.emergencyCaution, { alert }));
    } else if (alarm) {
      logger.warn({ ...log, categories: alarm.categories, matched: alarm.matched }, 'emergency signals');
      // Not searched, but said: a follow-up after the emergency reply is read together with it.
      scope.talk.said = text;
      await dc.cancelAllDialogs();
      await dc.beginDialog(FLOW_DIALOG_ID, {
        flow: CORE_FLOWS.emergency,
        slots: { [SLOTS.emergency]: alarm.categories, [SLOTS.calls]: alarm.calls, [SLOTS.question]: text },
      } satisfies FlowStart);
      return;
    }

    const lang = matchLanguageSwitch(text, flows.commands);
    if (lang && lang !== scope.locale && asksAboutLanguage(text, lang, flows.commands)) {
      // "你会说英语吗": the citizen may not read English; say how to switch rather than switching.
      await this.send(context, scope, this.render(scope, CODE_TEMPLATES.languageOffer));
      await this.resume(dc);
      return;
    }
    if (lang) {
      scope.profile.locale = lang;
      scope.profile.localeExplicit = true;
      scope.locale = lang;
      scope.turn.reference.locale = lang;
      await this.send(context, scope, this.render(scope, CODE_TEMPLATES.languageSwitched));
      await this.resume(dc);
      return;
    }

    const district = kb.findDistrict(text);
    if (district) {
      scope.profile.district = district.code;
      // Only a place ("我在铜山"): remember it and carry on, unless the open step asked for it.
      const step = this.currentStep(dc);
      const asked = step?.kind === 'answer' || (step?.kind === 'ask' && step.validate === 'district');
      if (!asked && onlyNamesDistrict(text, district)) {
        await this.send(context, scope, this.render(scope, CODE_TEMPLATES.districtNoted));
        await this.resume(dc);
        return;
      }
    }

    const command = matchCommand(text, flows.commands);
    switch (command) {
      case 'reset':
      case 'greeting':
        forgetTalk(scope.talk);
        await dc.cancelAllDialogs();
        await dc.beginDialog(FLOW_DIALOG_ID, { flow: CORE_FLOWS.welcome } satisfies FlowStart);
        return;
      case 'menu':
        await dc.cancelAllDialogs();
        await dc.beginDialog(FLOW_DIALOG_ID, CORE_STEPS.welcomeMenu satisfies FlowStart);
        return;
      case 'help':
        await this.send(context, scope, this.render(scope, CODE_TEMPLATES.help));
        await this.resume(dc);
        return;
      case 'back':
        if (dc.activeDialog && (await this.flowDialog.back(dc))) return;
        await this.send(context, scope, { text: flows.translator.t(scope.locale, CODE_KEYS.backNothing) });
        await this.resume(dc);
        return;
      case 'human': {
        const open = dc.activeDialog?.state as FlowState | undefined;
        const q = open?.slots[SLOTS.question];
        await dc.cancelAllDialogs();
        await dc.beginDialog(FLOW_DIALOG_ID, {
          flow: CORE_FLOWS.handoff,
          slots: typeof q === 'string' ? { [SLOTS.question]: q } : {},
        } satisfies FlowStart);
        return;
      }
      case 'thanks':
      case 'acknowledge':
      case 'smalltalk':
        if (this.openStepTakes(dc, text)) break;
        await this.courtesy(dc, scope, command);
        return;
      default:
        break;
    }

    if (dc.activeDialog) await dc.continueDialog();
    else await dc.beginDialog(FLOW_DIALOG_ID, this.routeQuestion(text));
  }
}

/** A fresh start: nothing said or shown before counts, whatever TalkContext comes to hold. */
function forgetTalk(talk: TalkContext): void {
  for (const key of Object.keys(talk) as (keyof TalkContext)[]) delete talk[key];
}
