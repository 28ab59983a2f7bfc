package org.wgmesh.site;

/**
 * Asks the operator to approve a change after it has been shown. Implementations: a prompt on
 * the terminal, or "yes" for scripts ({@code --yes}).
 */
public interface Confirmation {
  /**
   * @param question e.g. "Admit 1 host into mesh.example.com?"
   * @return true to go ahead
   * @throws org.wgmesh.core.error.WgmeshException when nobody can be asked (no terminal, no --yes)
   */
  boolean confirm(String question);
}
