// The partnership pages' addresses and an in-app link to them (no page load).
import type { ComponentChildren } from 'preact';
import { navigate } from '../ui/router';

export const partnershipsPath = (workspace: string): string => `/w/${encodeURIComponent(workspace)}/partnerships`;
export const partnershipPath = (workspace: string, partnershipId: string): string =>
  `${partnershipsPath(workspace)}/${encodeURIComponent(partnershipId)}`;

export function AppLink({ href, children, class: className }: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a
      href={href}
      class={className}
      onClick={(event) => {
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
