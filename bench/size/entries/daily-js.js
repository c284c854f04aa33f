export { default } from '@daily-co/daily-js';
