import { login } from './login';
import { refreshToken } from './refreshToken';
import { signUp } from './signUp';

export const Mutation = { signUp, login, refreshToken };
