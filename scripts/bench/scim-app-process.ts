/**
 * The test SCIM 2.0 application in a process of its own (used by bench:onboarding so that the application's memory is
 * not counted as Gatehouse's). Prints one JSON line {"baseUrl": …} once it listens; stops on SIGTERM.
 * Usage: tsx scripts/bench/scim-app-process.ts TOKEN
 */
async function main() {
  const token = process.argv[2];
  if (!token) throw new Error("usage: scim-app-process.ts TOKEN");
  const { startScimApp } = await import("@/lib/testing/scim-server");
  const app = await startScimApp({ token });
  process.stdout.write(`${JSON.stringify({ baseUrl: app.baseUrl })}\n`);
  const stop = () => void app.stop().finally(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
