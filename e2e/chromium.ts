/**
 * How the browser tests and the web benchmark launch Chromium: Debian's package (never
 * `npx playwright install`), headless, without sandbox or GPU, and with no network beyond this
 * machine (every other host name fails to resolve).
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
  ],
};
