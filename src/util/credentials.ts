/** Short-term AWS credentials, as every layer passes them around (the layers keep their own names). */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
