// Puppeteer must never try to download its own browser during `npm ci`:
// our machines (and many CI and corporate networks) cannot reach Google's
// download servers. The build finds an installed Chrome/Chromium instead;
// `npm run setup` gets one when none is found (see README).
module.exports = { skipDownload: true };
