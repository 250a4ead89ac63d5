// Written for treff's doctor test: the settings jitsi-meet-web-config's config.js ships with
// (services.md §3.1, §3.2): STUN from meet-jit-si-turnrelay.jitsi.net, third-party requests,
// gravatar and analytics not disabled. Not a copy of Jitsi's file.
var subdomain = '<!--# echo var="subdomain" default="" -->';
var subdir = '<!--# echo var="subdir" default="" -->';

var config = {
    hosts: {
        domain: 'meet.osna.social',
        muc: 'conference.' + subdomain + 'meet.osna.social',
    },
    bosh: 'https://meet.osna.social/' + subdir + 'http-bind',
    websocket: 'wss://meet.osna.social/' + subdir + 'xmpp-websocket',
    enableWelcomePage: true,
    // disableThirdPartyRequests: false,
    p2p: {
        enabled: true,
        stunServers: [{ urls: 'stun:meet-jit-si-turnrelay.jitsi.net:443' }],
    },
    analytics: {},
};
