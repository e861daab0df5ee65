// Each person's role beside their name (issue 17, item 7): the role comes from
// the roster, whatever the name says.
import { afterEach, describe, expect, it } from "vitest";
import { Role } from "../../src/gen/kenes/v1/protocol_pb";
import { CATALOGS, type Language, setLanguage, translate } from "../../src/i18n";
import { nameWithRole, personName, type RosterLike, roleName } from "../../src/ui/labels";

const roster = (entries: [string, string, Role][]): RosterLike => ({
  participants: new Map(entries.map(([id, displayName, role]) => [id, { displayName, role }])),
});

describe("a person's name with their role", () => {
  afterEach(() => setLanguage("en"));

  it("is the name, a middle dot and the role's translated name", () => {
    expect(nameWithRole("Aigerim", Role.CHAIR)).toBe("Aigerim · Chair");
    expect(nameWithRole("Rita", Role.RESEARCHER)).toBe("Rita · Researcher");
    expect(nameWithRole("Dana", Role.MEMBER)).toBe("Dana · Advisory board member");
    expect(nameWithRole("Olzhas", Role.OBSERVER)).toBe("Olzhas · Observer");
    setLanguage("ru");
    expect(nameWithRole("Айгерим", Role.CHAIR)).toBe("Айгерим · Председатель");
    setLanguage("kk");
    expect(nameWithRole("Айгерім", Role.CHAIR)).toBe("Айгерім · Төраға");
  });

  it("names every role in every language, and an unknown one as a participant", () => {
    const roles = Object.values(Role).filter((v): v is Role => typeof v === "number");
    for (const lang of Object.keys(CATALOGS) as Language[]) {
      setLanguage(lang);
      for (const role of roles) expect(roleName(role), `${lang} ${role}`).not.toMatch(/^role\./);
      expect(roleName(Role.UNSPECIFIED)).toBe(translate(lang, "role.unknown"));
    }
  });

  it("takes the role from the roster, so a name that claims one still shows the real one", () => {
    const r = roster([
      ["p-chair", "Aigerim", Role.CHAIR],
      ["p-fake", "Aigerim (chair)", Role.MEMBER],
      ["p-fake2", "Aigerim · Chair", Role.OBSERVER],
    ]);
    expect(personName(r, "p-chair")).toBe("Aigerim · Chair");
    expect(personName(r, "p-fake")).toBe("Aigerim (chair) · Advisory board member");
    expect(personName(r, "p-fake2")).toBe("Aigerim · Chair · Observer");
  });

  it("shows an id the roster does not know without guessing a role", () => {
    const r = roster([["p-1", "", Role.RESEARCHER]]);
    expect(personName(r, "p-1")).toBe("p-1 · Researcher"); // no name yet: the id
    expect(personName(r, "p-2")).toBe("p-2");
    expect(personName(r, "", "Unknown participant")).toBe("Unknown participant");
  });
});
