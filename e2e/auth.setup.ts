import { mkdirSync, writeFileSync } from "node:fs";
import { test as setup } from "@playwright/test";
import { accountFile, authDir, storageFile } from "./fixtures";
import { newAccount, signUp } from "./helpers";

// One signed-in user per worker, made once per run: specs start signed in from its storageState.
setup("sign up one user per worker", async ({ browser }) => {
  mkdirSync(authDir, { recursive: true });
  for (let worker = 0; worker < setup.info().config.workers; worker++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const account = await signUp(page, newAccount(`worker${worker}`));
    await context.storageState({ path: storageFile(worker) });
    writeFileSync(accountFile(worker), JSON.stringify(account));
    await context.close();
  }
});
