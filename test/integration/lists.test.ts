import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { EtagCache, useEtagCache } from "../../src/github/etag-cache.js";
import { ListCache, readSortedList } from "../../src/github/lists.js";
import type { Octokit } from "../../src/github/types.js";
import { settingsFromEnv } from "../../src/settings.js";
import { testOctokit } from "../helpers/probot.js";

const API = "https://api.github.com";
const PATH = "/repos/o/tracker/issues";
const HOUR = 3_600_000;

interface Item {
  number: number;
  updated_at: string;
  title: string;
}

/** A tracker of `count` issues, issue n updated at second n; served 2 a page, sorted by updated, with ETags. */
class FakeList {
  items: Item[];
  pagesServed = 0;
  notModified = 0;
  constructor(count: number) {
    this.items = Array.from({ length: count }, (_, i) => ({
      number: i + 1,
      updated_at: this.at(i + 1),
      title: `issue ${i + 1}`,
    }));
  }
  at(s: number): string {
    return new Date(Date.UTC(2026, 10, 2, 9, 0, s)).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  intercept(): void {
    nock(API)
      .persist()
      .get(PATH)
      .query(true)
      .reply((uri, _body) => {
        const url = new URL(uri, API);
        expect(url.searchParams.get("sort")).toBe("updated");
        expect(url.searchParams.get("direction")).toBe("desc");
        expect(url.searchParams.get("state")).toBe("all");
        const page = Number(url.searchParams.get("page") ?? "1");
        const sorted = [...this.items].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
        const per = 2;
        const slice = sorted.slice((page - 1) * per, page * per);
        const etag = `W/"${page}:${JSON.stringify(slice)}"`;
        this.pagesServed += 1;
        const headers: Record<string, string> = { etag };
        if (page * per < sorted.length) {
          url.searchParams.set("page", String(page + 1));
          headers.link = `<${url.toString()}>; rel="next"`;
        }
        return [200, slice, headers];
      });
  }
}

function read(octokit: Octokit, cache: ListCache | undefined, now: number) {
  return readSortedList<Item>({
    octokit,
    route: octokit.rest.issues.listForRepo,
    params: { owner: "o", repo: "tracker", state: "all" },
    key: "o issues tracker",
    id: (i) => i.number,
    cache,
    now,
  });
}

const numbers = (items: Item[]) => items.map((i) => i.number).sort((a, b) => a - b);

describe("lists read by what changed", () => {
  afterEach(() => {
    nock.cleanAll();
  });

  it("reads every page once, then only the first page while nothing changed", async () => {
    const list = new FakeList(7);
    list.intercept();
    const cache = new ListCache(HOUR);
    const octokit = useEtagCache(testOctokit(), new EtagCache(100), "o");

    expect(numbers(await read(octokit, cache, 0))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(list.pagesServed).toBe(4);
    list.pagesServed = 0;
    expect(numbers(await read(octokit, cache, 60_000))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(list.pagesServed).toBe(1);
    expect(cache.deltaReads).toBe(1);
  });

  it("an item changed deep in the list moves to the first page and is merged; a new item too", async () => {
    const list = new FakeList(7);
    list.intercept();
    const cache = new ListCache(HOUR);
    const octokit = testOctokit();
    await read(octokit, cache, 0);
    list.pagesServed = 0;
    list.items[0] = { number: 1, updated_at: list.at(100), title: "issue 1, edited" };
    list.items.push({ number: 8, updated_at: list.at(101), title: "issue 8" });

    const items = await read(octokit, cache, 60_000);

    // Page 1 holds 8 and 1, both newer than the newest known (7): page 2 holds 7, older, and ends the read.
    expect(list.pagesServed).toBe(2);
    expect(numbers(items)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(items.find((i) => i.number === 1)?.title).toBe("issue 1, edited");
    expect(items[0]?.number).toBe(8);
  });

  it("a deleted item is not seen by sorting; the next full read after the interval drops it", async () => {
    const list = new FakeList(7);
    list.intercept();
    const cache = new ListCache(HOUR);
    const octokit = testOctokit();
    await read(octokit, cache, 0);
    list.items = list.items.filter((i) => i.number !== 2);

    expect(numbers(await read(octokit, cache, HOUR - 1))).toContain(2);
    list.pagesServed = 0;
    expect(numbers(await read(octokit, cache, HOUR))).toEqual([1, 3, 4, 5, 6, 7]);
    expect(list.pagesServed).toBe(3);
    expect(cache.fullReads).toBe(2);
  });

  it("a list that fits in one page is whole at every read; without a cache every read is full", async () => {
    const list = new FakeList(2);
    list.intercept();
    const cache = new ListCache(HOUR);
    const octokit = testOctokit();
    await read(octokit, cache, 0);
    list.items = list.items.filter((i) => i.number !== 1);
    expect(numbers(await read(octokit, cache, 1))).toEqual([2]);

    const big = new FakeList(5);
    nock.cleanAll();
    big.intercept();
    await read(octokit, undefined, 0);
    await read(octokit, undefined, 1);
    expect(big.pagesServed).toBe(6);
  });

  it("callers get copies: editing what a read returned does not change what the next read returns", async () => {
    const list = new FakeList(3);
    list.intercept();
    const cache = new ListCache(HOUR);
    const octokit = testOctokit();
    const first = await read(octokit, cache, 0);
    first[0]!.title = "changed by a caller";
    const second = await read(octokit, cache, 1);
    expect(second.map((i) => i.title)).not.toContain("changed by a caller");
  });

  it("FULL_READ_INTERVAL_MINUTES: 60 by default, 0 allowed, bounded", () => {
    expect(settingsFromEnv({}).fullReadIntervalMinutes).toBe(60);
    expect(settingsFromEnv({ FULL_READ_INTERVAL_MINUTES: "0" }).fullReadIntervalMinutes).toBe(0);
    expect(() => settingsFromEnv({ FULL_READ_INTERVAL_MINUTES: "-1" })).toThrow(/FULL_READ_INTERVAL_MINUTES/);
  });
});
