import { statusText } from './status-text';

describe('statusText (Go http.StatusText)', () => {
  it.each([
    [500, 'Internal Server Error'],
    [502, 'Bad Gateway'],
    [404, 'Not Found'],
    [301, 'Moved Permanently'],
    [413, 'Request Entity Too Large'],
    [414, 'Request URI Too Long'],
    [416, 'Requested Range Not Satisfiable'],
    [418, "I'm a teapot"],
  ])('%d is %j', (status, text) => {
    expect(statusText(status)).toBe(text);
  });

  it.each([306, 509, 599, 999])('%d, unknown to Go, is empty', (status) => {
    expect(statusText(status)).toBe('');
  });
});
