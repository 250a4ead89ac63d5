import type { Config } from '../core/config/load.ts';
import type { InstallOptions } from './accounts.render.ts';
import { renderCoturnDropIn, renderTurnserverConf } from './coturn/coturn.render.ts';
import {
  renderJicofoPrivacy,
  renderJitsiConfigJs,
  renderJitsiLogging,
  renderJitsiNginx,
  renderJitsiProsody,
  renderJitsiProsodyService,
  renderJvbPrivacy,
} from './jitsi/jitsi.render.ts';
import { renderJournald, renderLogrotate, renderTmpfiles } from './logs/logs.render.ts';
import { renderDovecot24Logging } from './mail/mail.dovecot24.render.ts';
import { renderDovecotLogging, renderPostfixPrivacy } from './mail/mail.render.ts';
import { renderNginxPrivacy, renderNginxWebsite } from './nginx/nginx.render.ts';
import {
  renderProsodyConfig,
  renderUploadExpiryService,
  renderUploadExpiryTimer,
} from './prosody/prosody.render.ts';
import type { RenderedFile } from './render.ts';
import { renderLastlogService, renderLastlogTimer } from './shell/lastlog.render.ts';
import { renderShellHistory } from './shell/shell.render.ts';

/**
 * The daemon configuration that keeps the policy's promises (issue #6), laid out as under `/`.
 * A service that is not declared gets no files. Files marked "replaces" stand where a Debian
 * package put its own (the README lists them); `treff services render` replaces those only with
 * `--force`.
 */
export function renderDaemons(config: Config, install: InstallOptions): RenderedFile[] {
  const { services } = config;
  const files: RenderedFile[] = [
    // journald and logrotate: nothing older than the declared log retention.
    { path: 'etc/systemd/journald.conf.d/treff.conf', content: renderJournald(config) },
    ...renderLogrotate(config).map((file) => ({
      path: `etc/logrotate.d/${file.name}`,
      content: file.content,
    })),
    { path: 'etc/tmpfiles.d/treff.conf', content: renderTmpfiles(config, install.user) },
    { path: 'etc/systemd/system/treff-lastlog.service', content: renderLastlogService(install) },
    { path: 'etc/systemd/system/treff-lastlog.timer', content: renderLastlogTimer() },
  ];
  if (services.website) {
    files.push(
      { path: 'etc/nginx/conf.d/treff-privacy.conf', content: renderNginxPrivacy(config) },
      { path: 'etc/nginx/conf.d/treff-website.conf', content: renderNginxWebsite(config) },
    );
  }
  if (services.xmpp) {
    files.push(
      { path: 'etc/prosody/prosody.cfg.lua', content: renderProsodyConfig(config) },
      {
        path: 'etc/systemd/system/treff-upload-expiry.service',
        content: renderUploadExpiryService(config),
      },
      { path: 'etc/systemd/system/treff-upload-expiry.timer', content: renderUploadExpiryTimer() },
    );
  }
  if (services.jitsi) {
    const domain = services.jitsi.domain;
    files.push(
      { path: 'etc/prosody-jitsi/prosody.cfg.lua', content: renderJitsiProsody(config) },
      { path: 'etc/systemd/system/prosody-jitsi.service', content: renderJitsiProsodyService() },
      { path: `etc/jitsi/meet/${domain}-config.js`, content: renderJitsiConfigJs(config) },
      { path: 'etc/jitsi/videobridge/treff-privacy.conf', content: renderJvbPrivacy(config) },
      { path: 'etc/jitsi/videobridge/logging.properties', content: renderJitsiLogging('JVB') },
      { path: 'etc/jitsi/jicofo/treff-privacy.conf', content: renderJicofoPrivacy(config) },
      { path: 'etc/jitsi/jicofo/logging.properties', content: renderJitsiLogging('Jicofo') },
      { path: 'etc/nginx/conf.d/treff-jitsi.conf', content: renderJitsiNginx(config) },
      { path: 'etc/turnserver.conf', content: renderTurnserverConf(config) },
      { path: 'etc/systemd/system/coturn.service.d/treff.conf', content: renderCoturnDropIn() },
    );
  }
  if (services.mail) {
    files.push(
      {
        path: 'etc/dovecot/conf.d/99-treff-logging.conf',
        content:
          install.dovecot === '2.4' ? renderDovecot24Logging(config) : renderDovecotLogging(config),
      },
      { path: 'etc/postfix/treff/privacy.cf.treff', content: renderPostfixPrivacy(config) },
    );
  }
  if (services.shell) {
    files.push({ path: 'etc/profile.d/treff-history.sh', content: renderShellHistory(config) });
  }
  return files;
}
