import type { Octokit, RepositoryAdvisory } from "./types.js";

/** One advisory as GitHub has it now, or null when GitHub has none by that id in that repository. */
export async function getAdvisory(
  octokit: Octokit,
  where: { owner: string; repo: string; ghsa: string },
): Promise<RepositoryAdvisory | null> {
  try {
    const { data } = await octokit.rest.securityAdvisories.getRepositoryAdvisory({
      owner: where.owner,
      repo: where.repo,
      ghsa_id: where.ghsa,
    });
    return data;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null;
    throw err;
  }
}
