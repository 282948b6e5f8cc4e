// Finding things in the workbench's side bar views the way a person does: by the pane's
// title and a tree row's label; shared by the UI tests.
import type { Locator, Page } from 'playwright-core';

export function pane(page: Page, title: string): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
}

/** A tree row by its label (the first word of the row's text). */
export function row(p: Locator, label: string): Locator {
  return p.locator('.monaco-list-row', { has: p.page().locator('.label-name', { hasText: new RegExp(`^${label.replace(/\./g, '\\.')}$`) }) }).first();
}

/** Drags the sidebar's edge so that the tree descriptions fit (for the screenshots). */
export async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const x = box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}
