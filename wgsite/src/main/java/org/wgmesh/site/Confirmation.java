package org.wgmesh.site;

import java.util.List;

/**
 * Asks the operator to approve a change. Implementations: a prompt on the terminal, which always
 * shows the details first (even with {@code -q}: nobody should approve what they cannot see), or
 * "yes" for scripts ({@code --yes}), which reports them as ordinary progress.
 */
public interface Confirmation {
  /**
   * @param question e.g. "Admit 1 host into mesh.example.com?"
   * @param details what will change, one line each (hostname, uuid, key fingerprint, ...)
   * @return true to go ahead
   * @throws org.wgmesh.core.error.WgmeshException when nobody can be asked (no terminal, no --yes)
   */
  boolean confirm(String question, List<String> details);
}
