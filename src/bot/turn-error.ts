/**
 * The one turn-error handler (set as adapter.onTurnError for every adapter that runs the bot).
 * It logs the error with the conversation id (the logger masks personal data), apologises in the
 * citizen's language, and clears the conversation's dialog state so the next message starts
 * cleanly instead of failing the same way again. The user profile (language, district) is kept.
 * It never throws: a failure while apologising is logged, not rethrown.
 */
import type { ConversationState, TurnContext, UserState } from 'botbuilder';
import { ActivityTypes } from 'botbuilder';
import type { Locale } from '../content/schema';
import type { Translator } from '../i18n/i18n';
import { DEFAULT_LOCALE, isLocale, localeFromTag } from '../i18n/locale';
import type { Logger } from '../logger';

export const APOLOGY_KEY = 'error.apology';

export interface TurnErrorDeps {
  logger: Logger;
  translator: Translator;
  conversationState: ConversationState;
  userState?: UserState;
}

export function createTurnErrorHandler(deps: TurnErrorDeps): (context: TurnContext, error: Error) => Promise<void> {
  const profile = deps.userState?.createProperty<{ locale?: string; localeExplicit?: boolean }>('profile');
  return async (context, error) => {
    const conversation = context.activity?.conversation?.id ?? 'unknown';
    deps.logger.error({ err: error, conversation, channel: context.activity?.channelId, activityType: context.activity?.type }, 'turn failed');
    let locale: Locale = localeFromTag(context.activity?.locale) ?? DEFAULT_LOCALE;
    try {
      const p = profile ? await profile.get(context, {}) : undefined;
      if (p?.localeExplicit && isLocale(p.locale)) locale = p.locale;
    } catch {
      /* the profile may be what failed; the channel's locale will do */
    }
    try {
      await deps.conversationState.delete(context);
    } catch (err) {
      deps.logger.error({ err, conversation }, 'could not clear conversation state after an error');
    }
    try {
      if (context.activity?.type === ActivityTypes.Message) {
        await context.sendActivity({ type: ActivityTypes.Message, text: deps.translator.t(locale, APOLOGY_KEY), locale });
      }
    } catch (err) {
      deps.logger.error({ err, conversation }, 'could not send the apology');
    }
  };
}
