/**
 * The secrets every reliability world configures, in one place so that scenario 9 can look for
 * them in every log file and outbox the suite wrote. They reach the service only through
 * environment variables (`${VAR}` in settings.yaml and subscriptions.yaml), as in production.
 */
export const SECRETS = {
  smtpPassword: 'rel-smtp-Pa55w0rd-7f3c91',
  webhookSecret: 'rel-webhook-secret-2b8e6d40a1c9',
  /** The Slack webhook path's token part (hooks.slack.com/services/T…/B…/<token>). */
  slackToken: 'XoXbRelSlackToken93Kq1',
  adminToken: 'rel-admin-token-55aa0c3e9d',
} as const;

/** Environment for a belwatch process of a world whose receivers listen at these origins. */
export function secretEnv(smtpPort: number, slackOrigin: string): NodeJS.ProcessEnv {
  return {
    BW_SMTP_URL: `smtp://belwatch:${SECRETS.smtpPassword}@127.0.0.1:${smtpPort}`,
    BW_WEBHOOK_SECRET: SECRETS.webhookSecret,
    BW_SLACK_URL: `${slackOrigin}/services/T0REL/B0REL/${SECRETS.slackToken}`,
    BW_ADMIN_TOKEN: SECRETS.adminToken,
  };
}
