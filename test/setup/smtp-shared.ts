// What the test SMTP servers (smtp.ts, Node) and the email tests (Workers pool) agree on: the login,
// and the shape of a received message as the servers' inspector reports it.
export const SMTP_USER = "edgechecks";
export const SMTP_PASSWORD = "test-password";

export interface ReceivedMail {
  server: string;
  secure: boolean;
  user: string;
  mailFrom: string;
  rcptTo: string[];
  raw: string;
}
