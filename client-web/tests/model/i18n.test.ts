import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/gen/kenes/v1/protocol_pb";
import { StakeholderGroup } from "../../src/gen/kenes/v1/log_pb";
import { CATALOGS, type Language, type MessageKey, pickLanguage, translate } from "../../src/i18n";

const languages = Object.keys(CATALOGS) as Language[];

describe("translations", () => {
  it("define every message, non-empty, in every language", () => {
    for (const lang of languages) {
      for (const [key, value] of Object.entries(CATALOGS[lang])) {
        const texts = typeof value === "string" ? [value] : Object.values(value);
        for (const text of texts) expect(text.trim(), `${lang} ${key}`).not.toBe("");
      }
      expect(Object.keys(CATALOGS[lang]).sort()).toEqual(Object.keys(CATALOGS.en).sort());
    }
  });

  it("have a sentence for every ErrorCode the protocol defines", () => {
    const codes = Object.values(ErrorCode).filter((v): v is number => typeof v === "number");
    expect(codes.length).toBeGreaterThan(20);
    for (const lang of languages) {
      for (const code of codes) {
        const text = translate(lang, `error.${code}` as MessageKey);
        expect(text, `${lang} error.${code}`).not.toMatch(/^error\./);
        expect(text).not.toMatch(/ERROR_CODE|_/); // no raw codes shown to people
      }
    }
  });

  it("name every stakeholder group", () => {
    const groups = Object.values(StakeholderGroup).filter((v): v is number => typeof v === "number" && v > 0);
    expect(groups).toHaveLength(10);
    for (const lang of languages) for (const g of groups) expect(translate(lang, `group.${g}` as MessageKey)).not.toMatch(/^group\./);
  });

  it("use Russian plural forms", () => {
    expect(translate("ru", "conn.unsent", { n: 1 })).toBe("1 правка ещё не сохранена");
    expect(translate("ru", "conn.unsent", { n: 3 })).toBe("3 правки ещё не сохранены");
    expect(translate("ru", "conn.unsent", { n: 5 })).toBe("5 правок ещё не сохранено");
    expect(translate("en", "conn.unsent", { n: 1 })).toBe("1 edit not yet saved");
    expect(translate("kk", "conn.unsent", { n: 2 })).toBe("2 өзгеріс әлі сақталмады");
  });

  it("pick the browser's language when it is one of ours", () => {
    expect(pickLanguage(["kk-KZ", "ru"])).toBe("kk");
    expect(pickLanguage(["de-DE", "ru-RU"])).toBe("ru");
    expect(pickLanguage(["fr"])).toBe("en");
  });
});
