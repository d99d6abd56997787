// TODO: built in phase 2 of the web issue.
import TodoPage from '../todo/TodoPage';

export default TodoPage;
