import { describe, expect, it } from "vitest";
import {
  compareLogins,
  displayLogin,
  isValidHandle,
  loginKey,
  loginKeys,
  sameLogin,
  TEAM_SLUG,
  uniqueLogins,
} from "../../src/domain/handles.js";

describe("GitHub handles", () => {
  it.each<[string, boolean]>([
    ["a", true],
    ["Wwwsylvia", true],
    ["shizh-MSFT", true],
    ["a1-b2-c3", true],
    ["a".repeat(39), true],
    ["a".repeat(40), false],
    ["-a", false],
    ["a-", false],
    ["a--b", false],
    ["bob_", false],
    ["@bob", false],
    ["", false],
    ["a b", false],
  ])("isValidHandle(%j) is %s", (login, valid) => {
    expect(isValidHandle(login)).toBe(valid);
  });

  it.each<[string, boolean]>([
    ["security", true],
    ["oras.maintainers_2-x", true],
    ["a".repeat(100), true],
    ["a".repeat(101), false],
    [".hidden", false],
    ["-x", false],
    ["team/sub", false],
    ["team name", false],
    ["", false],
  ])("TEAM_SLUG accepts %j: %s", (slug, valid) => {
    expect(TEAM_SLUG.test(slug)).toBe(valid);
  });

  it("compares case-insensitively, ignoring one leading @ and surrounding spaces", () => {
    expect(loginKey("  @SteveLasker ")).toBe("stevelasker");
    expect(loginKey("@@x")).toBe("@x");
    expect(loginKey("a@B")).toBe("a@b");
    expect(displayLogin("a@B")).toBe("a@B");
    expect(sameLogin("@Bob", "bob")).toBe(true);
    expect(sameLogin("bob", "bobby")).toBe(false);
    expect(displayLogin("  @SteveLasker ")).toBe("SteveLasker");
  });

  it("uniqueLogins keeps the first spelling and the order, and drops empty logins", () => {
    expect(uniqueLogins(["@Bob", "alice", "bob", " ", "@", "Alice", "carol"])).toEqual(["Bob", "alice", "carol"]);
  });

  it("loginKeys is the set of keys without empty ones", () => {
    expect([...loginKeys(["@Bob", "bob", " ", "Carol"])]).toEqual(["bob", "carol"]);
  });

  it("compareLogins orders by key, then by spelling, independently of the locale", () => {
    expect(["bob", "Alice", "alice", "Bob", "carol"].sort(compareLogins)).toEqual([
      "Alice",
      "alice",
      "Bob",
      "bob",
      "carol",
    ]);
    expect(compareLogins("x", "x")).toBe(0);
    expect(compareLogins("a", "B")).toBe(-1);
    expect(compareLogins("b", "A")).toBe(1);
    expect(compareLogins("B", "b")).toBe(-1);
    expect(compareLogins("b", "B")).toBe(1);
  });
});
