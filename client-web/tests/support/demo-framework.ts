// A small ROAM-X-shaped framework for the fake server (the real server ships
// its own sample). Categories are ROAM-X's; the rest is abridged.
export const demoFramework = {
  edition: "ROAM-X sample (abridged, for tests)",
  source: "client-web tests",
  categories: [
    {
      id: "R",
      title: "Rights",
      themes: [
        {
          id: "R.A",
          title: "Policy, legal and regulatory framework",
          questions: [
            {
              id: "R.1",
              title: "Is there a legal framework for the protection of human rights online?",
              indicators: [
                { id: "R.1.1", title: "Existence of a legal framework consistent with international standards", core: true, sources: ["Constitution and laws", "UN treaty body reports"] },
                { id: "R.1.2", title: "Evidence of implementation by the courts", core: false, sources: ["Court records"] },
              ],
            },
          ],
        },
        {
          id: "R.B",
          title: "Freedom of expression",
          questions: [{ id: "R.2", title: "Is freedom of expression respected online?", indicators: [{ id: "R.2.1", title: "Restrictions on online content", core: true, sources: [] }] }],
        },
      ],
    },
    { id: "O", title: "Openness", themes: [{ id: "O.A", title: "Open standards", questions: [{ id: "O.1", title: "Are open standards used?", indicators: [{ id: "O.1.1", title: "Government use of open standards", core: true, sources: [] }] }] }] },
    { id: "A", title: "Accessibility to all", themes: [{ id: "A.A", title: "Connectivity and usage", questions: [{ id: "A.1", title: "How many people use the Internet?", indicators: [{ id: "A.1.1", title: "Share of individuals using the Internet", core: true, sources: ["ITU"] }, { id: "A.1.2", title: "Gender gap in Internet use", core: false, sources: [] }] }] }] },
    { id: "M", title: "Multi-stakeholder participation", themes: [{ id: "M.A", title: "Legal framework", questions: [{ id: "M.1", title: "Is there multi-stakeholder Internet governance?", indicators: [{ id: "M.1.1", title: "Existence of a national IGF", core: true, sources: [] }] }] }] },
    { id: "X", title: "Cross-cutting indicators", themes: [{ id: "X.A", title: "Gender", questions: [{ id: "X.1", title: "Is there a gender strategy?", indicators: [{ id: "X.1.1", title: "Gender in national broadband strategy", core: false, sources: [] }] }] }] },
    { id: "C", title: "Contextual indicators", themes: [{ id: "C.A", title: "Economic", questions: [{ id: "C.1", title: "What is the economic context?", indicators: [{ id: "C.1.1", title: "GDP per capita", core: false, sources: [] }] }] }] },
  ],
};
