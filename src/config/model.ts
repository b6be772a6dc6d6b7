// The semantic view of ~/.aws/config + ~/.aws/credentials, in the shape of the cross-SDK test
// vectors (test/fixtures/aws-sdk-spec): a property is a string or a map of sub-properties.

export type PropertyValue = string | Record<string, string>;
export type SectionKind = 'profile' | 'sso-session' | 'services';
export type Properties = Record<string, PropertyValue>;

export interface ConfigView {
  /** Profiles from both files; for the same name, credentials-file keys win. */
  profiles: Record<string, Properties>;
  ssoSessions: Record<string, Properties>;
  services: Record<string, Properties>;
  /** Lines and sections that were ignored, for `doctor` and --debug. */
  warnings: string[];
  /** Sections with a line botocore and the JS SDK read differently (rolehop reads neither way). */
  disputes?: Dispute[];
}

export interface Dispute {
  kind: SectionKind;
  name: string;
  /** `file:line: why`, never the line itself (it may hold a secret). */
  where: string;
}

/** The sections of one kind (`[profile]`, `[sso-session]`, `[services]`): the bucket a section ref names. */
export function sectionsOfKind(
  view: Pick<ConfigView, 'profiles' | 'ssoSessions' | 'services'>,
  kind: SectionKind,
): Record<string, Properties> {
  return kind === 'profile' ? view.profiles : kind === 'sso-session' ? view.ssoSessions : view.services;
}
